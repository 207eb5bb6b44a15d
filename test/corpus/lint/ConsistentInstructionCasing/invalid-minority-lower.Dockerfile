FROM scratch
copy Dockerfile /foo
COPY Dockerfile /bar

# expect: 2
# expect-message: Command 'copy' should match the case of the command majority (uppercase)
