FROM node:18-slim
RUN apt-get update && npm ci && npm cache clean --force

# expect: 2
