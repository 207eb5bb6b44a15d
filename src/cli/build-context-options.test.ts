import { describe, expect, it } from 'vitest';
import { isBuildError } from '../errors/index.js';
import { parseBuildContextOptions } from './build-context-options.js';

describe('parseBuildContextOptions', () => {
  it.each([
    [[], []],
    [['deps=../deps'], [['deps', '../deps']]],
    [['alpine=docker-image://debian:bookworm-slim'], [['alpine', 'docker-image://debian:bookworm-slim']]],
    // names are normalised as buildx normalises them
    [['alpine:latest=x'], [['alpine', 'x']]],
    [['docker.io/library/node:18=docker-image://node:20'], [['node:18', 'docker-image://node:20']]],
    [['registry.example.com/team/app=dir'], [['registry.example.com/team/app', 'dir']]],
    // the value may hold = signs; a later value wins; empty values are skipped
    [['a=x=y', '', 'a=z'], [['a', 'z']]],
    [['b=oci-layout://./layout:v1'], [['b', 'oci-layout://./layout:v1']]],
  ] as const)('%j', (values, expected) => {
    expect([...parseBuildContextOptions(values)]).toEqual(expected);
  });

  it.each([
    ['deps', 'invalid context value: deps, expected key=value'],
    ['Deps=dir', 'invalid context name Deps'],
    ['=dir', 'invalid context name '],
  ])('%s is a usage error: %s', (value, message) => {
    try {
      parseBuildContextOptions([value]);
      expect.unreachable();
    } catch (err) {
      expect(isBuildError(err) ? err.code : err).toBe('USAGE');
      expect((err as Error).message).toBe(message);
    }
  });
});
