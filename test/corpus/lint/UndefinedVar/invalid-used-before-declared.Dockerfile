FROM alpine
COPY $foo .
ARG foo=bar
RUN echo $foo

# expect: 2
# expect-message: Usage of undefined variable '$foo'
