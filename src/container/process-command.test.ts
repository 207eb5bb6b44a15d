import { describe, expect, it } from 'vitest';
import { formatCommand, normalizeSignal, resolveProcessArgs } from './process-command.js';
import { startFailureExitCode } from './supervise-container.js';

describe('resolveProcessArgs (ENTRYPOINT and CMD)', () => {
  const both = { Entrypoint: ['/entry.sh'], Cmd: ['serve', '--port', '80'] };
  it.each([
    ['image ENTRYPOINT + CMD', both, {}, ['/entry.sh', 'serve', '--port', '80']],
    ['arguments replace CMD', both, { command: ['debug'] }, ['/entry.sh', 'debug']],
    ['--entrypoint drops the image CMD', both, { entrypoint: 'sh' }, ['sh']],
    ['--entrypoint with arguments', both, { entrypoint: 'sh', command: ['-c', 'x'] }, ['sh', '-c', 'x']],
    ['--entrypoint "" clears it', both, { entrypoint: '', command: ['ls'] }, ['ls']],
    ['CMD only', { Cmd: ['node', 'app.js'] }, {}, ['node', 'app.js']],
    ['null ENTRYPOINT', { Entrypoint: null, Cmd: ['x'] }, {}, ['x']],
    ['no config', undefined, { command: ['echo'] }, ['echo']],
  ] as const)('%s', (_, config, overrides, expected) => {
    expect(resolveProcessArgs(config, { command: [], ...overrides })).toEqual(expected);
  });

  it('refuses an empty command', () => {
    expect(() => resolveProcessArgs({ Cmd: ['x'] }, { entrypoint: '', command: [] })).toThrow('No command specified');
    expect(() => resolveProcessArgs({}, { command: [] })).toThrow('No command specified');
  });
});

describe('normalizeSignal', () => {
  it.each([
    ['SIGTERM', 'TERM'],
    ['term', 'TERM'],
    ['SIGUSR1', 'USR1'],
    ['9', '9'],
    ['SIGRTMIN+3', 'RTMIN+3'],
    [' SIGQUIT ', 'QUIT'],
  ])('%s → %s', (text, name) => {
    expect(normalizeSignal(text)).toBe(name);
  });
  it.each(['SIGFOO', '0', '65', '', 'TERM9'])('refuses %j', (text) => {
    expect(() => normalizeSignal(text)).toThrow(/invalid signal/);
  });
});

describe('formatCommand (ps COMMAND)', () => {
  it.each([
    [['node', 'app.js'], false, '"node app.js"'],
    [['/docker-entrypoint.sh', 'nginx', '-g', 'daemon off;'], false, '"/docker-entrypoint.…"'],
    [['/docker-entrypoint.sh', 'nginx'], true, '"/docker-entrypoint.sh nginx"'],
    [['sh', '-c', 'echo "hi"'], false, '"sh -c echo \\"hi\\""'],
    [['12345678901234567890'], false, '"12345678901234567890"'],
    [['123456789012345678901'], false, '"1234567890123456789…"'],
  ] as const)('%j', (args, full, text) => {
    expect(formatCommand(args, full)).toBe(text);
  });
});

describe('startFailureExitCode (docker: 127 not found, 126 not executable, 125 otherwise)', () => {
  it.each([
    ['runc run failed: unable to start container process: exec: "nope": executable file not found in $PATH', 127],
    ['exec: "/app/x": stat /app/x: no such file or directory', 127],
    ['exec /etc/passwd: permission denied', 126],
    ['exec: "/bin": is a directory', 126],
    ['exec format error', 126],
    ['unable to apply cgroup configuration', 125],
  ])('%s', (message, code) => {
    expect(startFailureExitCode(message)).toBe(code);
  });
});
