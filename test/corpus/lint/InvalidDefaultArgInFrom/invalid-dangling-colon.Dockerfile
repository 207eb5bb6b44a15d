ARG SFX="box:"
FROM busy${SFX}

# expect: 2
# expect-message: Default value for ARG busy${SFX} results in empty or invalid base image name
