FROM node:18 AS builder
RUN npm ci

FROM node:18-slim
COPY --from=builder /app/dist ./dist
