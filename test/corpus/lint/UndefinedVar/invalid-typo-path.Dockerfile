FROM alpine
ENV PATH=$PAHT:/tmp/bin

# expect: 2
# expect-message: Usage of undefined variable '$PAHT' (did you mean $PATH?)
