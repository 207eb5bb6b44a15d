FROM node:18-slim
RUN NODE_ENV=production npm ci
