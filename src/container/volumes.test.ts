import { describe, expect, it } from 'vitest';
import { parseVolume } from './volumes.js';

describe('parseVolume (-v, bind mounts)', () => {
  it.each([
    ['/src:/dst', { source: '/src', destination: '/dst', readonly: false }],
    ['/src:/dst:ro', { source: '/src', destination: '/dst', readonly: true }],
    ['/src:/dst:rw', { source: '/src', destination: '/dst', readonly: false }],
    ['/src/:/dst/sub/../x:ro,z', { source: '/src/', destination: '/dst/x', readonly: true }],
  ])('%s', (spec, expected) => {
    expect(parseVolume(spec)).toEqual(expected);
  });

  it.each([
    ['named:/data', /named volumes are not supported/],
    ['./rel:/data', /named volumes are not supported/],
    ['/data', /anonymous volumes are not supported/],
    ['/src:dst', /must be absolute/],
    ['/src:/', /destination can't be '\/'/],
    ['/src:/dst:rx', /invalid mode: rx/],
    ['/a:/b:ro:x', /invalid volume specification/],
  ])('refuses %s', (spec, message) => {
    expect(() => parseVolume(spec)).toThrow(message);
  });
});
