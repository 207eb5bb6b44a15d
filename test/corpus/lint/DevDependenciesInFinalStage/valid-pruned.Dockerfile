FROM node:18 AS builder
RUN npm ci && npm run build && npm prune --omit=dev

FROM node:18-slim
COPY --from=builder /app/node_modules ./node_modules
