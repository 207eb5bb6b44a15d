FROM golang:1.21 AS build
RUN go build -o /out/app .

FROM scratch
COPY --from=0 /out/app /app

# expect: 5
# expect-message: --from=0 refers to stage 'build' by its index, which breaks when stages are added or reordered; use its name: --from=build
