FROM golang:1.21
RUN go build -o /out/app .

FROM scratch
COPY --from=0 /out/app /app

# expect: 5
# expect-message: --from=0 refers to stage #0 by its index, which breaks when stages are added or reordered; name it (FROM golang:1.21 AS <name>, line 1) and use --from=<name>
