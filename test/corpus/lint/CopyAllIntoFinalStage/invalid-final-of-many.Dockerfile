FROM python:3.12 AS builder
COPY requirements.txt .
RUN pip wheel --wheel-dir /wheels -r requirements.txt

FROM python:3.12-slim
COPY --from=builder /wheels /wheels
COPY . .

# expect: 7
# expect-message: COPY of the whole build context puts sources, tests and build files into the final image; copy only what the application needs at run time (COPY --from the build stage, or name the files)
