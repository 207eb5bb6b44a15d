ARG MY_OS=linux
ARG MY_ARCH=amd64
FROM --platform=linux/${MYARCH} busybox
COPY Dockerfile .

# expect: 3
# expect-message: FROM argument 'MYARCH' is not declared (did you mean MY_ARCH?)
