FROM node:20 AS deps
RUN npm ci

FROM deps AS test
RUN npm test

FROM deps AS build
RUN npm run build

FROM nginx:alpine AS prod
COPY --from=build /app/dist /usr/share/nginx/html

# expect: 4
# expect-message: Stage 'test' is not needed by the target stage 'prod', so a default build skips it; build it with --target test, make the target depend on it (COPY --from=test), or remove it
