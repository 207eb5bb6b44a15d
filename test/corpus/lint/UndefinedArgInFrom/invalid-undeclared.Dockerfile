ARG tag=latest
FROM busybox:${tag}${version} AS b
COPY Dockerfile .

# expect: 2
# expect-message: FROM argument 'version' is not declared
