FROM node:18
WORKDIR /app
COPY app.js .
CMD ["node", "app.js"]

# expect: 1
# expect-message: The final stage runs on 'node:18', which carries compilers, headers and build tools the image does not need at run time; base it on 'node:18-slim' (if installing dependencies needs compilers, do that in a build stage and copy the result)
