FROM alpine
ARG dir=srv
WORKDIR $dir

# expect: 3
# expect-message: Relative workdir "srv" can have unexpected results if the base image changes
