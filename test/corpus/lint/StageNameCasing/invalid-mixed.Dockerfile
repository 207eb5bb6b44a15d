from scratch as Builder
from builder

# expect: 1
# expect-message: Stage name 'Builder' should be lowercase
