import { describe, expect, it } from 'vitest';
import { nodeDevInstalls, readDockerfileFacts } from './dockerfile-facts.js';

describe('Dockerfile facts for advice', () => {
  it('follows stage names to the final base, with meta ARG defaults', () => {
    const text = [
      'ARG NODE=18',
      'FROM node:${NODE} AS deps',
      'WORKDIR /app',
      'RUN npm ci',
      'FROM deps AS final',
      'COPY . .',
      'RUN npm run build && npm install --omit=dev',
      'CMD ["node", "app.js"]',
    ].join('\n');
    expect(readDockerfileFacts(text, 'Dockerfile')).toEqual({
      file: 'Dockerfile',
      finalBase: 'node:18',
      finalFromLine: 2,
      devInstalls: [{ line: 4, command: 'npm ci' }],
    });
  });

  it('ignores build stages the final image does not stand on, and NODE_ENV=production stages', () => {
    const text = ['FROM node:18 AS build', 'RUN npm ci && npm run build', 'FROM node:18-slim', 'ENV NODE_ENV=production', 'RUN npm ci', 'COPY --from=build /app/dist /app'].join('\n');
    expect(readDockerfileFacts(text, 'Dockerfile')).toEqual({ file: 'Dockerfile', finalBase: 'node:18-slim', finalFromLine: 3, devInstalls: [] });
  });

  it.each([
    ['npm ci', ['npm ci']],
    ['npm install', ['npm install']],
    ['cd /app && npm i && npm cache clean --force', ['npm i']],
    ['npm ci --omit=dev', []],
    ['npm install --production', []],
    ['NODE_ENV=production npm ci', []],
    ['yarn install --frozen-lockfile', ['yarn install --frozen-lockfile']],
    ['yarn', ['yarn']],
    ['yarn install --production', []],
    ['pnpm install --prod', []],
    ['pnpm i', ['pnpm i']],
    ['npm run build', []],
  ])('%s', (script, expected) => {
    expect(nodeDevInstalls(script, false)).toEqual(expected);
  });
});
