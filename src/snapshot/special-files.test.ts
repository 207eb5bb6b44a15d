import { describe, expect, it } from 'vitest';
import { isSettableXattrName, quoteDumpPath } from './special-files.js';

describe('quoteDumpPath', () => {
  it.each([
    ['./plain/name.txt', './plain/name.txt'],
    ['./a b', './a\\040b'],
    ['./new\nline', './new\\012line'],
    ['./back\\slash', './back\\134slash'],
    ['./é', './\\303\\251'],
    ['./# file: /etc/passwd', './#\\040file:\\040/etc/passwd'],
  ])('%j → %j', (path, quoted) => {
    expect(quoteDumpPath(path)).toBe(quoted);
  });
});

describe('isSettableXattrName', () => {
  it.each([
    ['security.capability', true],
    ['user.mime_type', true],
    ['trusted.overlay.opaque', true],
    ['system.posix_acl_access', true],
    ['user.', false],
    ['other.name', false],
    ['user.a=b', false],
    ['user.a\nb', false],
    ['user.a b', false],
    ['user.a\\b', false],
  ])('%j: %j', (name, expected) => {
    expect(isSettableXattrName(name)).toBe(expected);
  });
});
