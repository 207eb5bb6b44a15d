FROM scratch
COPY . .

# expect: 2
# expect-message: Attempting to Copy file "." that is excluded by .dockerignore
