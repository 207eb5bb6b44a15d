FROM scratch
WORKDIR app/

# expect: 2
# expect-message: Relative workdir "app/" can have unexpected results if the base image changes
