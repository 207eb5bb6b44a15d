From scratch as base
FROM scratch AS base2

# expect: 1
# expect-message: Command 'From' should match the case of the command majority (uppercase)
