FROM scratch
COPY build/out/app /app

# expect: 2
# expect-message: Attempting to Copy file "build/out/app" that is excluded by .dockerignore
