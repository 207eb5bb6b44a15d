FROM node:18-slim
RUN npm ci --omit=dev
RUN npm install --only=production
RUN npm install -g pm2
