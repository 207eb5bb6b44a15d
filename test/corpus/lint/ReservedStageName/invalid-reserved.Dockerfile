FROM scratch AS scratch
FROM scratch AS context

# expect: 1 2
# expect-message: Stage name should not use the same name as reserved stage "scratch"
# expect-message: Stage name should not use the same name as reserved stage "context"
