ARG V=1
FROM alpine
ARG V
COPY a$V /
