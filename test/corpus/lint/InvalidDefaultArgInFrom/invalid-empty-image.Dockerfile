ARG IMAGE
FROM $IMAGE

# expect: 2
# expect-message: Default value for ARG $IMAGE results in empty or invalid base image name
