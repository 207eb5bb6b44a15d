FROM golang:1.21
WORKDIR /app
COPY main.go .
RUN go build -o /app/server main.go
CMD ["/app/server"]

# expect: 1
