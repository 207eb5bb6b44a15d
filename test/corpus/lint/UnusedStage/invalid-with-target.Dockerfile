FROM alpine AS a
FROM alpine AS b
FROM a AS c

# expect: 2 3
