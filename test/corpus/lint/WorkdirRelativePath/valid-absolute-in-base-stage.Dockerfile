FROM scratch AS a
WORKDIR /app

FROM a AS b
WORKDIR subdir/
