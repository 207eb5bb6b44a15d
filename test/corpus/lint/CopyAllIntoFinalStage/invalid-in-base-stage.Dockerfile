FROM node:20-slim AS app
COPY ./ /app/

FROM app
CMD ["node", "/app/index.js"]

# expect: 2
