FROM scratch
COPY Dockerfile .
