FROM node:18-slim
ENV NODE_ENV=production
RUN npm ci
