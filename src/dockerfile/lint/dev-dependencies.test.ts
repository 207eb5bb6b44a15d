import { describe, expect, it } from 'vitest';
import { findDevInstalls, prunesDevDependencies, simpleCommands } from './dev-dependencies.js';

describe('findDevInstalls', () => {
  it.each([
    ['npm install', 'npm install'],
    ['npm i', 'npm i'],
    ['npm ci', 'npm ci'],
    ['apt-get update && npm ci && npm cache clean --force', 'npm ci'],
    ['cd /app; npm install express', 'npm install'],
    ['yarn', 'yarn'],
    ['yarn install --frozen-lockfile', 'yarn install'],
    ['pnpm install', 'pnpm install'],
    ['pip install -r requirements-dev.txt', 'pip install -r requirements-dev.txt'],
    ['pip3 install --requirement=requirements/test.txt', 'pip install -r requirements/test.txt'],
    ['python -m pip install -e .[dev]', 'pip install .[dev]'],
    ['uv pip install -rdev-requirements.txt', 'pip install -r dev-requirements.txt'],
    ['pipenv install --dev', 'pipenv install --dev'],
    ['poetry install', 'poetry install'],
    ['uv sync --frozen', 'uv sync'],
    ['composer install', 'composer install'],
  ])('%j installs dev dependencies', (script, command) => {
    expect(findDevInstalls(script, new Map()).map((found) => found.command)).toEqual([command]);
  });

  it.each([
    'npm ci --omit=dev',
    'npm ci --omit dev',
    'npm install --only=production',
    'npm install --production',
    'npm install -g pm2',
    'npm run build',
    'NODE_ENV=production npm ci',
    'env NODE_ENV=production npm ci',
    'yarn install --production',
    'yarn build',
    'pnpm install --prod',
    'pip install -r requirements.txt',
    'pip install --no-index --find-links=/wheels /wheels/*',
    'pip wheel --wheel-dir /wheels -r requirements-dev.txt',
    'poetry install --only main',
    'poetry install --without dev',
    'uv sync --no-dev',
    'composer install --no-dev',
    'echo npm install',
  ])('%j does not', (script) => {
    expect(findDevInstalls(script, new Map())).toEqual([]);
  });

  it('honours NODE_ENV set for the stage', () => {
    expect(findDevInstalls('npm ci', new Map([['NODE_ENV', 'production']]))).toEqual([]);
    expect(findDevInstalls('npm ci', new Map([['NODE_ENV', 'development']]))).toHaveLength(1);
  });
});

describe('simpleCommands and pruning', () => {
  it('splits a command line at its operators', () => {
    expect(simpleCommands('a b && c || d; e | f\ng "h"')).toEqual([['a', 'b'], ['c'], ['d'], ['e'], ['f'], ['g', 'h']]);
  });

  it.each([
    ['npm ci && npm run build && npm prune --omit=dev', true],
    ['npm prune --production', true],
    ['npm prune', false],
    ['npm ci', false],
  ])('%j prunes: %s', (script, want) => {
    expect(prunesDevDependencies(script)).toBe(want);
  });
});
