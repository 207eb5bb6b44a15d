import { describe, expect, it } from 'vitest';
import type { PlannedInstruction } from '../plan/index.js';
import { applyInstruction, DEFAULT_PATH_ENV, orderConfigFields, scratchConfig, setEnv, startConfig, withLabels } from './image-config.js';
import type { ConfigState } from './image-config.js';

function apply(state: ConfigState, ...instructions: PlannedInstruction[]): ConfigState {
  return instructions.reduce(applyInstruction, state);
}

const empty: ConfigState = { config: {}, author: undefined, cmdSet: false };

describe('image config per instruction', () => {
  it('ENV replaces a key where it is and appends new ones', () => {
    expect(setEnv(['A=1', 'PATH=/bin', 'B=2'], 'PATH', '/usr/bin')).toEqual(['A=1', 'PATH=/usr/bin', 'B=2']);
    const state = apply({ ...empty, config: { Env: ['PATH=/bin'] } }, { kind: 'env', pairs: [{ key: 'A', value: '1' }, { key: 'PATH', value: '/x' }, { key: 'A', value: '2' }] });
    expect(state.config.Env).toEqual(['PATH=/x', 'A=2']);
  });

  it('LABEL, EXPOSE and VOLUME add to what the base had', () => {
    const base: ConfigState = { ...empty, config: { Labels: { a: '1' }, ExposedPorts: { '80/tcp': {} }, Volumes: { '/v': {} } } };
    const state = apply(
      base,
      { kind: 'label', pairs: [{ key: 'b', value: '2' }, { key: 'a', value: '3' }] },
      { kind: 'expose', ports: ['3000/tcp'] },
      { kind: 'volume', volumes: ['/data'] },
    );
    expect(state.config.Labels).toEqual({ a: '3', b: '2' });
    expect(state.config.ExposedPorts).toEqual({ '80/tcp': {}, '3000/tcp': {} });
    expect(state.config.Volumes).toEqual({ '/v': {}, '/data': {} });
    expect(base.config.Labels).toEqual({ a: '1' });
  });

  it('a new ENTRYPOINT clears an inherited CMD but not one the stage set before it', () => {
    const inherited: ConfigState = { ...empty, config: { Cmd: ['node'] } };
    const entry: PlannedInstruction = { kind: 'entrypoint', args: ['/entry.sh'], shellForm: false };
    expect(apply(inherited, entry).config.Cmd).toBeUndefined();
    const own = apply(inherited, { kind: 'cmd', args: ['serve'], shellForm: false }, entry);
    expect(own.config.Cmd).toEqual(['serve']);
    expect(own.config.Entrypoint).toEqual(['/entry.sh']);
    expect(own.config.ArgsEscaped).toBe(true);
  });

  it('USER, WORKDIR, STOPSIGNAL, SHELL, HEALTHCHECK, ONBUILD, MAINTAINER; ARG/RUN/COPY change nothing', () => {
    const state = apply(
      empty,
      { kind: 'user', user: 'node' },
      { kind: 'workdir', path: 'app', workdir: '/app' },
      { kind: 'stopsignal', signal: 'SIGQUIT' },
      { kind: 'shell', shell: ['/bin/bash', '-c'] },
      { kind: 'healthcheck', health: { test: ['CMD', 'true'], interval: 5e9, timeout: 0, startPeriod: 0, startInterval: 0, retries: 2 } },
      { kind: 'onbuild', expression: 'RUN make' },
      { kind: 'maintainer', maintainer: 'me' },
      { kind: 'arg', args: [{ key: 'X', value: '1' }] },
    );
    expect(state.config).toEqual({
      User: 'node',
      WorkingDir: '/app',
      StopSignal: 'SIGQUIT',
      Shell: ['/bin/bash', '-c'],
      Healthcheck: { Test: ['CMD', 'true'], Interval: 5e9, Retries: 2 },
      OnBuild: ['RUN make'],
    });
    expect(state.author).toBe('me');
  });

  it('a stage starts without the base ONBUILD triggers and with a PATH; scratch has PATH and /', () => {
    expect(startConfig({ OnBuild: ['RUN x'], Env: ['A=1'] }, undefined, 'linux').config).toEqual({ Env: ['A=1', DEFAULT_PATH_ENV] });
    expect(startConfig({ Env: ['PATH=/p'] }, 'x', 'linux')).toEqual({ config: { Env: ['PATH=/p'] }, author: 'x', cmdSet: false });
    expect(scratchConfig('linux')).toEqual({ Env: [DEFAULT_PATH_ENV], WorkingDir: '/' });
  });

  it('--label goes over the Dockerfile labels; fields come out in docker order', () => {
    expect(withLabels({ Labels: { a: '1', b: '2' } }, new Map([['b', 'x']])).Labels).toEqual({ a: '1', b: 'x' });
    const ordered = orderConfigFields({ Labels: { z: '1', a: '2', M: '3' }, Cmd: ['x'], Env: ['A=1'], WorkingDir: '/', User: 'u', Volumes: { '/data': {}, '/cache': {} } });
    expect(Object.keys(ordered)).toEqual(['User', 'Env', 'Cmd', 'Volumes', 'WorkingDir', 'Labels']);
    expect(Object.keys(ordered.Labels ?? {})).toEqual(['M', 'a', 'z']);
    expect(Object.keys(ordered.Volumes ?? {})).toEqual(['/cache', '/data']);
  });
});
