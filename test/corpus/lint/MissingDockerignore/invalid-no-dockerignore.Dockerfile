FROM node:20
WORKDIR /app
COPY package.json .
RUN npm install
COPY . .

# expect: 5
# expect-message: The build context holds node_modules and .git but has no .dockerignore, so this COPY sends and copies them too; add a .dockerignore listing node_modules and .git
