FROM node:18-slim
COPY package*.json ./
RUN npm install

# expect: 3
# expect-message: 'npm install' installs devDependencies into the final image; use 'npm install --omit=dev' (or set NODE_ENV=production) there, or install in a build stage and copy only what runs
