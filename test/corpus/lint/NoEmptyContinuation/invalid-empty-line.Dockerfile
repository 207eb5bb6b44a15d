FROM scratch
COPY Dockerfile \

.
COPY Dockerfile \
.

# expect: 4
# expect-message: Empty continuation line
