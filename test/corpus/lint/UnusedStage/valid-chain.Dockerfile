FROM alpine AS base
FROM base AS deps
FROM golang AS tools
FROM deps
COPY --from=tools /go/bin/x /x
RUN --mount=from=base,target=/b true
