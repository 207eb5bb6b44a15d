from scratch AS base

from scratch as base2

# expect: 1
# expect-message: 'AS' and 'from' keywords' casing do not match
