FROM scratch
CMD mycommand

# expect: 2
# expect-message: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals
