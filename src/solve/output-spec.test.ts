import { describe, expect, it } from 'vitest';
import { parseOutputSpec } from './output-spec.js';

describe('parseOutputSpec (--output, buildx syntax)', () => {
  it.each([
    ['type=oci,dest=out.tar', { type: 'oci', dest: 'out.tar', names: [], tar: true, compression: 'gzip' }],
    ['type=oci,dest=layout,tar=false', { type: 'oci', dest: 'layout', names: [], tar: false, compression: 'gzip' }],
    ['type=oci,dest=o.tar,compression=uncompressed', { type: 'oci', dest: 'o.tar', names: [], tar: true, compression: 'none' }],
    ['type=docker,dest=img.tar,name=app:1', { type: 'docker', dest: 'img.tar', names: ['app:1'] }],
    ['type=docker,dest=img.tar,"name=a:1,b:2"', { type: 'docker', dest: 'img.tar', names: ['a:1', 'b:2'] }],
    ['type=local,dest=out/', { type: 'local', dest: 'out/' }],
    ['type=tar,dest=-', { type: 'tar', dest: '-' }],
    ['type=registry', { type: 'image', names: [], push: true }],
    ['type=image,name=x:1,push=true', { type: 'image', names: ['x:1'], push: true }],
    ['type=image', { type: 'image', names: [], push: false }],
    ['out', { type: 'local', dest: 'out' }],
    ['-', { type: 'tar', dest: '-' }],
    ['dest=dir', { type: 'local', dest: 'dir' }],
  ])('%s', (text, spec) => {
    expect(parseOutputSpec(text)).toEqual(spec);
  });

  it.each([
    ['', '--output needs a value'],
    ['type=oci', '--output type=oci needs dest=PATH'],
    ['type=local', '--output type=local needs dest=PATH'],
    ['type=zip,dest=x', 'unknown type "zip"'],
    ['type=image,push=maybe', 'push must be true or false'],
    ['type=oci,dest=x,compression=zstd', 'compression "zstd" is not supported'],
    ['type=docker,dest="x', 'unterminated quote'],
  ])('refuses %j', (text, message) => {
    expect(() => parseOutputSpec(text)).toThrow(message);
    try {
      parseOutputSpec(text);
    } catch (err) {
      expect((err as { code: string }).code).toBe('USAGE');
    }
  });
});
