from scratch
COPY Dockerfile /foo
copy Dockerfile /bar
copy Dockerfile /baz

# expect: 2
# expect-message: Command 'COPY' should match the case of the command majority (lowercase)
