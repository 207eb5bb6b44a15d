FROM alpine
RUN --mount=type=cache,target=$CACHE_DIR true

# expect: 2
# expect-message: Usage of undefined variable '$CACHE_DIR'
