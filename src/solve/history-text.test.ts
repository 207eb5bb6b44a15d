import { describe, expect, it } from 'vitest';
import type { PlannedInstruction } from '../plan/index.js';
import { historyText } from './history-text.js';

const copyBase = { contents: [], chown: undefined, chmod: undefined, link: false, exclude: [] };

describe('historyText: created_by as BuildKit writes it', () => {
  const cases: Array<[string, PlannedInstruction, string | undefined]> = [
    [
      'RUN shell form',
      { kind: 'run', args: ['/bin/sh', '-c', 'npm install'], shellForm: true, mounts: [], network: 'default', security: 'sandbox', env: [], proxyEnv: [], buildArgs: [], user: '' },
      'RUN /bin/sh -c npm install # buildkit',
    ],
    [
      'RUN with build args in scope',
      { kind: 'run', args: ['/bin/sh', '-c', 'echo $A'], shellForm: true, mounts: [], network: 'default', security: 'sandbox', env: ['A=1'], proxyEnv: [], buildArgs: ['A=1', 'B=two'], user: '' },
      'RUN |2 A=1 B=two /bin/sh -c echo $A # buildkit',
    ],
    [
      'RUN exec form',
      { kind: 'run', args: ['node', '-e', '1'], shellForm: false, mounts: [], network: 'default', security: 'sandbox', env: [], proxyEnv: [], buildArgs: [], user: '' },
      'RUN node -e 1 # buildkit',
    ],
    [
      'COPY from the context',
      { kind: 'copy', from: { kind: 'context' }, sources: ['package*.json'], destination: './', destinationPath: '/app/', parents: false, ...copyBase },
      'COPY package*.json ./ # buildkit',
    ],
    [
      'COPY --from leaves --from out, keeps --chown and --chmod',
      { kind: 'copy', from: { kind: 'stage', stage: 0 }, sources: ['/app/node_modules'], destination: './node_modules', destinationPath: '/app/node_modules', parents: false, ...copyBase, chown: 'node:node', chmod: '755' },
      'COPY --chown=node:node --chmod=755 /app/node_modules ./node_modules # buildkit',
    ],
    [
      'COPY heredoc',
      { kind: 'copy', from: { kind: 'context' }, sources: [], destination: '/etc/', destinationPath: '/etc/', parents: true, ...copyBase, contents: [{ path: 'motd', data: 'hi' }] },
      'COPY --parents <<motd /etc/ # buildkit',
    ],
    [
      'ADD',
      { kind: 'add', sources: ['https://example.com/a.tgz'], destination: '/x/', destinationPath: '/x/', checksum: 'sha256:00', keepGitDir: undefined, unpack: undefined, ...copyBase },
      'ADD https://example.com/a.tgz /x/ # buildkit',
    ],
    ['ENV', { kind: 'env', pairs: [{ key: 'A', value: '1' }, { key: 'B', value: 'x y' }] }, 'ENV A=1 B=x y'],
    ['LABEL', { kind: 'label', pairs: [{ key: 'org.x', value: 'v' }] }, 'LABEL org.x=v'],
    ['ARG', { kind: 'arg', args: [{ key: 'V', value: '1.2' }, { key: 'W', value: undefined }] }, 'ARG V=1.2 W'],
    ['EXPOSE', { kind: 'expose', ports: ['3000/tcp', '80/tcp'] }, 'EXPOSE map[3000/tcp:{} 80/tcp:{}]'],
    ['USER', { kind: 'user', user: 'node' }, 'USER node'],
    ['WORKDIR', { kind: 'workdir', path: 'app', workdir: '/app' }, 'WORKDIR /app'],
    ['VOLUME', { kind: 'volume', volumes: ['/data', '/logs'] }, 'VOLUME [/data /logs]'],
    ['STOPSIGNAL', { kind: 'stopsignal', signal: 'SIGQUIT' }, 'STOPSIGNAL SIGQUIT'],
    ['CMD exec form', { kind: 'cmd', args: ['node', 'app.js'], shellForm: false }, 'CMD ["node" "app.js"]'],
    ['ENTRYPOINT shell form', { kind: 'entrypoint', args: ['/bin/sh', '-c', 'exec "$0"'], shellForm: true }, 'ENTRYPOINT ["/bin/sh" "-c" "exec \\"$0\\""]'],
    ['SHELL', { kind: 'shell', shell: ['/bin/bash', '-o', 'pipefail', '-c'] }, 'SHELL [/bin/bash -o pipefail -c]'],
    ['MAINTAINER', { kind: 'maintainer', maintainer: 'me <me@example.com>' }, 'MAINTAINER me <me@example.com>'],
    [
      'HEALTHCHECK',
      { kind: 'healthcheck', health: { test: ['CMD-SHELL', 'curl -f http://localhost/'], interval: 30e9, timeout: 3e9, startPeriod: 0, startInterval: 0, retries: 3 } },
      'HEALTHCHECK {Test:[CMD-SHELL curl -f http://localhost/] Interval:30s Timeout:3s StartPeriod:0s StartInterval:0s Retries:3}',
    ],
    ['ONBUILD writes no entry', { kind: 'onbuild', expression: 'RUN make' }, undefined],
    ['FROM writes no entry', { kind: 'from', image: 'node:18', ref: 'docker.io/library/node:18', platform: 'linux/amd64' }, undefined],
  ];
  it.each(cases)('%s', (_name, instruction, expected) => {
    expect(historyText(instruction)).toBe(expected);
  });
});
