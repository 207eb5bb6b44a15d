ARG VERSION
FROM busybox:$VERSION

# expect: 2
# expect-message: Default value for ARG busybox:$VERSION results in empty or invalid base image name
