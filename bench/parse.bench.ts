// Parser benchmark: a generated 5,000-line Dockerfile (many stages, continuations, heredocs,
// comments, JSON and shell forms, ENV/LABEL pairs). Run: npx vitest bench --run bench/parse.bench.ts
import { bench, describe, expect } from 'vitest';
import { dumpAst, parseDockerfile } from '../src/dockerfile/syntax/index.js';

/** One build stage of realistic Dockerfile text. */
function stageLines(stage: number): string[] {
  return [
    `# stage ${stage}: build things`,
    `FROM debian:bookworm-slim AS stage${stage}`,
    'ARG VERSION=1.2.3 TARGETARCH',
    `ENV APP_HOME=/srv/app${stage} PATH="/srv/bin:$PATH" \\`,
    '    LANG=C.UTF-8',
    'LABEL org.opencontainers.image.title="demo" maintainer="me@example.com"',
    'RUN --mount=type=cache,target=/var/cache/apt apt-get update \\',
    '    && apt-get install -y --no-install-recommends ca-certificates curl \\',
    '    # comments inside continuations are dropped',
    '    && rm -rf /var/lib/apt/lists/*',
    'COPY --chown=app:app --chmod=644 package.json package-lock.json ./',
    'RUN <<EOF',
    'set -eu',
    'echo "building $VERSION"',
    'mkdir -p /srv/app',
    'EOF',
    'COPY <<-CONF /etc/app.conf',
    '\tlisten 8080',
    '\tworkers 4',
    '\tCONF',
    'WORKDIR /srv/app',
    'USER app:app',
    'EXPOSE 8080/tcp 9090',
    'VOLUME ["/data", "/logs"]',
    'HEALTHCHECK --interval=30s --timeout=3s CMD curl -f http://localhost:8080/ || exit 1',
    'ONBUILD RUN echo "child build"',
    'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
    'ENTRYPOINT ["/usr/bin/tini", "--"]',
    'CMD ["node", "server.js"]',
    '',
  ];
}

/** Exactly `lines` lines of Dockerfile text made of whole stages, the same every time. */
function generateDockerfile(lines: number): string {
  const out: string[] = ['# syntax=docker/dockerfile:1.7', '# escape=\\', ''];
  for (let stage = 0; ; stage++) {
    const block = stageLines(stage);
    if (out.length + block.length > lines) break;
    out.push(...block);
  }
  while (out.length < lines) out.push('RUN echo padding');
  return out.join('\n') + '\n';
}

const text = generateDockerfile(5000);

describe('parseDockerfile', () => {
  const ast = parseDockerfile(text);
  expect(text.split('\n')).toHaveLength(5001);
  expect(ast.instructions.length).toBeGreaterThan(2500);
  expect(dumpAst(ast).length).toBeGreaterThan(0);

  bench('5,000-line Dockerfile', () => {
    parseDockerfile(text);
  }, { time: 2000 });

  bench('5,000-line Dockerfile + dumpAst', () => {
    dumpAst(parseDockerfile(text));
  }, { time: 2000 });
});
