frOM scratch as base
from scratch as base2

# expect: 1
# expect-message: Command 'frOM' should match the case of the command majority (lowercase)
