FROM node:20 AS builder
RUN npm ci

FROM node:20-slim AS runtime
COPY --from=builder /app /app

FROM node:20 AS debug
