FROM scratch
MAINTAINER me@example.org

# expect: 2
# expect-message: Maintainer instruction is deprecated in favor of using label
