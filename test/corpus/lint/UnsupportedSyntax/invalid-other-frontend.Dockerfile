# syntax=example.com/my/frontend:1
FROM scratch

# expect: 1
