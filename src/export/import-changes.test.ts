import { describe, expect, it } from 'vitest';
import type { ContainerConfig } from '../oci/index.js';
import { applyChanges } from './import-changes.js';

describe('applyChanges', () => {
  const cases: Array<[string[], ContainerConfig]> = [
    [['CMD ["sh", "-c", "echo hi"]'], { Cmd: ['sh', '-c', 'echo hi'] }],
    [['CMD echo hi'], { Cmd: ['/bin/sh', '-c', 'echo hi'] }],
    [['cmd ["sh"]'], { Cmd: ['sh'] }],
    [['ENTRYPOINT ["/init"]'], { Entrypoint: ['/init'], Cmd: null }],
    [['CMD ["a"]', 'ENTRYPOINT ["/init"]'], { Cmd: ['a'], Entrypoint: ['/init'] }],
    [['ENV A=1 B="two words" C=x\\ y'], { Env: ['A=1', 'B=two words', 'C=x y'] }],
    [['ENV PATH /usr/bin:/bin'], { Env: ['PATH=/usr/bin:/bin'] }],
    [['ENV A=1', 'ENV A=2'], { Env: ['A=2'] }],
    [["LABEL a=b 'c d'=\"e\""], { Labels: { a: 'b', 'c d': 'e' } }],
    [['EXPOSE 80 53/udp 8000-8001'], { ExposedPorts: { '80/tcp': {}, '53/udp': {}, '8000/tcp': {}, '8001/tcp': {} } }],
    [['VOLUME ["/data", "/logs"]'], { Volumes: { '/data': {}, '/logs': {} } }],
    [['VOLUME /a /b'], { Volumes: { '/a': {}, '/b': {} } }],
    [['WORKDIR /app', 'WORKDIR src'], { WorkingDir: '/app/src' }],
    [['USER nobody:nogroup'], { User: 'nobody:nogroup' }],
    [['STOPSIGNAL SIGTERM'], { StopSignal: 'SIGTERM' }],
    [['ONBUILD run echo hi'], { OnBuild: ['RUN echo hi'] }],
    [['HEALTHCHECK NONE'], { Healthcheck: { Test: ['NONE'] } }],
    [['HEALTHCHECK CMD curl -f http://localhost/'], { Healthcheck: { Test: ['CMD-SHELL', 'curl -f http://localhost/'] } }],
    [['HEALTHCHECK CMD ["true"]'], { Healthcheck: { Test: ['CMD', 'true'] } }],
  ];
  it.each(cases)('%j', (changes, want) => {
    expect(applyChanges({}, changes)).toEqual(want);
  });

  it('keeps what the config had', () => {
    expect(applyChanges({ Env: ['PATH=/bin'], Cmd: ['x'] }, ['ENV A=1'])).toEqual({ Env: ['PATH=/bin', 'A=1'], Cmd: ['x'] });
  });

  it.each<[string, string, RegExp]>([
    ['RUN echo', 'INVALID_INSTRUCTION', /RUN is not a valid change command/],
    ['CMDD ["x"]', 'UNKNOWN_INSTRUCTION', /unknown instruction CMDD/],
    ['EXPOSE 99999', 'INVALID_INSTRUCTION', /invalid port range/],
    ['EXPOSE http', 'INVALID_INSTRUCTION', /invalid port "http"/],
    ['ENV A=1 B', 'INVALID_INSTRUCTION', /cannot find = in "B"/],
    ['ONBUILD FROM x', 'INVALID_INSTRUCTION', /not allowed as an ONBUILD trigger/],
    ['HEALTHCHECK --interval=5s CMD true', 'INVALID_INSTRUCTION', /options are not supported/],
    ['USER', 'INVALID_INSTRUCTION', /needs an argument/],
  ])('refuses %s', (change, code, message) => {
    expect(() => applyChanges({}, [change])).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) as unknown }) as unknown);
  });

  it('suggests the instruction meant', () => {
    expect(() => applyChanges({}, ['ENTRYPONT ["x"]'])).toThrow(expect.objectContaining({ hint: 'did you mean ENTRYPOINT?' }) as unknown);
  });
});
