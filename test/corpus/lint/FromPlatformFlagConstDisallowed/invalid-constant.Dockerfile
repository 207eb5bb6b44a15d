FROM --platform=linux/amd64 scratch

# expect: 1
# expect-message: FROM --platform flag should not use constant value "linux/amd64"
