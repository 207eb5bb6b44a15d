FROM alpine AS app
RUN true

# check=skip=UnusedStage // built by CI with --target test
FROM app AS test
RUN true

FROM app AS release
