FROM scratch AS first
COPY $foo .

FROM scratch AS second
COPY $bar .

# expect: 2 5
# expect-message: Usage of undefined variable '$foo'
# expect-message: Usage of undefined variable '$bar'
