FROM scratch AS BadStageName

FROM scratch AS base3

# expect: 1
# expect-message: Stage name 'BadStageName' should be lowercase
