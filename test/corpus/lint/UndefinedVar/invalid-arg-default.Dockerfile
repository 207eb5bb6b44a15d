FROM alpine AS base
ARG VERSION=$foo

# expect: 2
# expect-message: Usage of undefined variable '$foo'
