FROM node:18 AS builder
COPY package*.json ./
RUN npm ci

FROM node:18-slim
COPY --from=builder /app/node_modules ./node_modules

# expect: 6
