FROM alpine
WORKDIR app
WORKDIR sub

# expect: 2
