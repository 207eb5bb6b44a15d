FROM node:20
COPY package.json index.js /app/
