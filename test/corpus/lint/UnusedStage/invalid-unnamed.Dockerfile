FROM alpine
RUN echo unused

FROM alpine AS app

# expect: 1
