FROM scratch AS base

FROM scratch as base2

# expect: 3
# expect-message: 'as' and 'FROM' keywords' casing do not match
