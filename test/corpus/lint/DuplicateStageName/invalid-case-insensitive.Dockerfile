FROM scratch AS build
FROM scratch AS BUILD

# expect: 2
# expect-message: Duplicate stage name "build", stage names should be unique
