FROM --platform=$TARGETPLATFORM scratch

# expect: 1
# expect-message: Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior
