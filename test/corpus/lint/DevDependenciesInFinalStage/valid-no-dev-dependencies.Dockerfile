FROM node:18-slim
COPY package.json .
RUN npm install
