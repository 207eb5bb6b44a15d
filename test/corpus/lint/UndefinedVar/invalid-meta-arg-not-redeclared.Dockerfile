ARG V=1
FROM alpine
COPY a$V /

# expect: 3
# expect-message: Usage of undefined variable '$V'
