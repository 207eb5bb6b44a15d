FROM alpine
WORKDIR /app
WORKDIR src
