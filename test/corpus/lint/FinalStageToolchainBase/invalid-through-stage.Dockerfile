FROM golang:1.21 AS build
RUN go build -o /out/app .

FROM build AS release
CMD ["/out/app"]

# expect: 4
# expect-message: The final stage runs on 'golang:1.21' (through stage 'build'), which carries the whole Go toolchain the image does not need at run time; run it on a small runtime image such as 'gcr.io/distroless/static-debian12' or 'debian:bookworm-slim' and COPY --from the build stage only the built program
