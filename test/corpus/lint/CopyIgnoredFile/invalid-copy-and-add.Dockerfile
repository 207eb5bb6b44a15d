FROM scratch
COPY Dockerfile .
ADD Dockerfile /windy

# expect: 2 3
# expect-message: Attempting to Copy file "Dockerfile" that is excluded by .dockerignore
# expect-message: Attempting to Add file "Dockerfile" that is excluded by .dockerignore
