FROM python:3.12-bookworm AS build
RUN pip wheel -w /wheels flask

FROM python:3.12-bookworm
COPY --from=build /wheels /wheels

# expect: 4
# expect-message: The final stage runs on 'python:3.12-bookworm', which carries compilers, headers and build tools the image does not need at run time; base it on 'python:3.12-slim-bookworm' and COPY --from the build stage what it needs
