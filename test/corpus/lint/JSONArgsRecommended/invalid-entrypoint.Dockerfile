FROM scratch
ENTRYPOINT mycommand

# expect: 2
# expect-message: JSON arguments recommended for ENTRYPOINT to prevent unintended behavior related to OS signals
