FROM alpine
ENV a=1 b=$a

# expect: 2
# expect-message: Usage of undefined variable '$a'
