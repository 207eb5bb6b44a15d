FROM scratch
COPY ./tmp/../Dockerfile /x

# expect: 2
# expect-message: Attempting to Copy file "Dockerfile" that is excluded by .dockerignore
