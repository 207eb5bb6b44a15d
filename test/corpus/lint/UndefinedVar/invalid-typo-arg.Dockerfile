FROM alpine
ARG DIR_BINARIES=binaries/
ARG DIR_ASSETS=assets/
ARG DIR_CONFIG=config/
COPY $DIR_ASSET .

# expect: 5
# expect-message: Usage of undefined variable '$DIR_ASSET' (did you mean $DIR_ASSETS?)
