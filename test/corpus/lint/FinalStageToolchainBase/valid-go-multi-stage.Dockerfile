FROM golang:1.21 AS builder
RUN go build -o myapp

FROM debian:bookworm-slim
COPY --from=builder /app/myapp .
