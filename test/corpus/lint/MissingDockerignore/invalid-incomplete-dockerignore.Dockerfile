FROM node:20
COPY . /app

# expect: 2
# expect-message: .dockerignore does not exclude node_modules, which this COPY then copies; add it to .dockerignore
