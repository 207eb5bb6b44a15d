FROM --platform=$BULIDPLATFORM scratch
COPY Dockerfile .

# expect: 1
# expect-message: FROM argument 'BULIDPLATFORM' is not declared (did you mean BUILDPLATFORM?)
