from scratch
cmd mycommand

# expect: 2
# expect-message: JSON arguments recommended for cmd to prevent unintended behavior related to OS signals
