import { describe, expect, it } from 'vitest';
import { parseRunArguments } from './run-arguments.js';

describe('parseRunArguments (docker run flag rules)', () => {
  it.each([
    [['img'], { image: 'img', command: [] }],
    [['img', 'ls', '-la'], { image: 'img', command: ['ls', '-la'] }],
    [['-d', '--rm', 'img', 'echo', '-e', 'x'], { detach: true, autoRemove: true, image: 'img', command: ['echo', '-e', 'x'], env: [] }],
    [['-dp', '80:80', 'img'], { detach: true, publish: ['80:80'], image: 'img' }],
    [['-p80:80', '-p', '81:81', '--publish=82:82', '--publish', '83:83', 'img'], { publish: ['80:80', '81:81', '82:82', '83:83'] }],
    [['-eA=1', '-e', 'B', '--env=C=3=3', '--env-file', 'f', 'img'], { env: ['A=1', 'B', 'C=3=3'], envFiles: ['f'] }],
    [['-e=A=1', 'img'], { env: ['A=1'] }],
    [['--name', 'web', '-u', '1000:1000', '-w', '/app', '--entrypoint', '', 'img'], { name: 'web', user: '1000:1000', workdir: '/app', entrypoint: '' }],
    [['--network=host', 'img'], { network: 'host' }],
    [['--net', 'none', 'img'], { network: 'none' }],
    [['-v', '/a:/b:ro', '--volume=/c:/d', 'img'], { volumes: ['/a:/b:ro', '/c:/d'] }],
    [['--rm=false', '-d=true', 'img'], { autoRemove: false, detach: true }],
    [['--', '-img-', 'x'], { image: '-img-', command: ['x'] }],
    [['-h', 'box', '--stop-signal', 'SIGINT', '--stop-timeout', '3', 'img'], { hostname: 'box', stopSignal: 'SIGINT', stopTimeout: '3' }],
    [['--help'], { help: true, command: [] }],
    [['img', '--help'], { help: false, image: 'img', command: ['--help'] }],
  ] as const)('%j', (args, expected) => {
    expect(parseRunArguments(args)).toMatchObject(expected);
  });

  it.each([
    [[], /requires at least 1 argument/],
    [['-d'], /requires at least 1 argument/],
    [['--bogus', 'img'], /unknown flag: --bogus/],
    [['-x', 'img'], /unknown shorthand flag: 'x' in -x/],
    [['-it', 'img'], /unsupported flag -it/],
    [['--tty', 'img'], /unsupported flag --tty/],
    [['--name'], /flag needs an argument: --name/],
    [['-p'], /flag needs an argument: 'p'/],
    [['--rm=maybe', 'img'], /invalid argument "maybe" for "--rm"/],
  ] as const)('refuses %j', (args, message) => {
    expect(() => parseRunArguments(args)).toThrow(message);
    try {
      parseRunArguments(args);
    } catch (err) {
      expect(err).toMatchObject({ code: 'USAGE' });
    }
  });
});
