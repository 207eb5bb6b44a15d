from scratch
COPY Dockerfile /foo
COPY Dockerfile /bar
COPY Dockerfile /baz

# expect: 1
# expect-message: Command 'from' should match the case of the command majority (uppercase)
