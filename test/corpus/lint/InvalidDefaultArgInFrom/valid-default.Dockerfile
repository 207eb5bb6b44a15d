ARG VERSION="latest"
FROM busybox:${VERSION}
