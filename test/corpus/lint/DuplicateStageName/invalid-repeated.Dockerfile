FROM scratch AS b
FROM scratch AS b

# expect: 2
# expect-message: Duplicate stage name "b", stage names should be unique
