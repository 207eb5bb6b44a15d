import { describe, expect, it } from 'vitest';
import { parseExposedPorts } from './expose-ports.js';
import { cleanPath, normalizePath, normalizeWorkdir } from './posix-path.js';
import { isValidSignal } from './stop-signal.js';
import { computeWaves, criticalPath } from './waves.js';

describe('posix paths (Go path.Clean, BuildKit NormalizePath)', () => {
  it.each([
    ['', '.'],
    ['/', '/'],
    ['a//b/./c/..', 'a/b'],
    ['/../a', '/a'],
    ['../../a', '../../a'],
    ['/a/b/', '/a/b'],
  ])('clean %j = %j', (input, expected) => {
    expect(cleanPath(input)).toBe(expected);
  });

  it.each([
    ['/', 'app', false, '/app'],
    ['/app', 'src', false, '/app/src'],
    ['/app', '', false, '/app'],
    ['', 'x', false, '/x'],
    ['/app', '/abs/../kept/', false, '/abs/../kept/'],
    ['/app', './', true, '/app/'],
    ['/app', 'sub/', true, '/app/sub/'],
    ['/app', 'sub/.', true, '/app/sub/.'],
    ['/', './', true, '/'],
  ])('normalize(%j, %j, keepSlash=%j) = %j', (parent, path, keep, expected) => {
    expect(normalizePath(parent, path, keep)).toBe(expected);
  });

  it('WORKDIR keeps an absolute path as written and cleans a relative one', () => {
    expect(normalizeWorkdir('/a', '../b/')).toBe('/b');
    expect(normalizeWorkdir('/a', '/c/')).toBe('/c/');
  });
});

describe('EXPOSE ports', () => {
  it.each([
    [['80'], ['80/tcp']],
    [['53/UDP'], ['53/udp']],
    [['8000-8002/tcp'], ['8000/tcp', '8001/tcp', '8002/tcp']],
    [['127.0.0.1:8080:80'], ['80/tcp']],
    [['9000-9000'], ['9000/tcp']],
  ])('%j -> %j', (input, expected) => {
    expect(parseExposedPorts(input)).toEqual({ ok: true, ports: expected });
  });

  it.each([['80/foo'], ['/tcp'], ['70000'], ['90-80'], ['abc'], ['8000-8002:80-81']])('rejects %j', (input) => {
    expect(parseExposedPorts([input]).ok).toBe(false);
  });
});

describe('STOPSIGNAL values (moby ParseSignal)', () => {
  it.each([
    ['SIGTERM', true],
    ['term', true],
    ['9', true],
    ['SIGRTMIN+3', true],
    ['0', false],
    ['SIGNOPE', false],
    ['', false],
  ])('%j -> %j', (input, valid) => {
    expect(isValidSignal(input)).toBe(valid);
  });
});

describe('waves and critical path', () => {
  // 0 and 1 are independent; 2 needs 0; 3 needs 1 and 2; 4 is not needed.
  const deps: Record<number, number[]> = { 0: [], 1: [], 2: [0], 3: [1, 2], 4: [0] };
  const dependencies = (s: number): number[] => deps[s] ?? [];

  it('puts each needed stage one wave after its latest dependency', () => {
    const { waves, waveOf } = computeWaves(new Set([0, 1, 2, 3]), dependencies);
    expect(waves).toEqual([[0, 1], [2], [3]]);
    expect(waveOf.has(4)).toBe(false);
  });

  it('follows the heaviest chain to the target', () => {
    const weights: Record<number, number> = { 0: 1, 1: 5, 2: 1, 3: 1 };
    expect(criticalPath(3, dependencies, (s) => weights[s] ?? 0)).toEqual([1, 3]);
    expect(criticalPath(3, dependencies, () => 1)).toEqual([0, 2, 3]);
  });
});
