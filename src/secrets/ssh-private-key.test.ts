import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePrivateKey } from './ssh-private-key.js';

const hasKeygen = spawnSync('sh', ['-c', 'command -v ssh-keygen']).status === 0;
if (!hasKeygen) console.warn('ssh-keygen is not installed: private key parsing is checked only on invalid input');

/** Makes a key with ssh-keygen; returns its private text and the public line's base64 blob. */
function keygen(dir: string, name: string, args: readonly string[]): { file: string; publicBase64: string; type: string } {
  const file = join(dir, name);
  const made = spawnSync('ssh-keygen', ['-q', ...args, '-N', '', '-C', 'a comment', '-f', file]);
  if (made.status !== 0) throw new Error(`ssh-keygen ${args.join(' ')}: ${made.stderr.toString()}`);
  const pub = spawnSync('ssh-keygen', ['-y', '-f', file]).stdout.toString().trim().split(' ');
  return { file, type: pub[0] ?? '', publicBase64: pub[1] ?? '' };
}

describe.skipIf(!hasKeygen)('parsePrivateKey with keys from ssh-keygen', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stagecraft-ssh-keys-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    { name: 'ed25519, OpenSSH format', args: ['-t', 'ed25519'], begins: 'OPENSSH PRIVATE KEY' },
    { name: 'rsa 2048, OpenSSH format', args: ['-t', 'rsa', '-b', '2048'], begins: 'OPENSSH PRIVATE KEY' },
    { name: 'ecdsa p256, OpenSSH format', args: ['-t', 'ecdsa', '-b', '256'], begins: 'OPENSSH PRIVATE KEY' },
    { name: 'ecdsa p384, OpenSSH format', args: ['-t', 'ecdsa', '-b', '384'], begins: 'OPENSSH PRIVATE KEY' },
    { name: 'ecdsa p521, OpenSSH format', args: ['-t', 'ecdsa', '-b', '521'], begins: 'OPENSSH PRIVATE KEY' },
    { name: 'rsa, PKCS#1 PEM', args: ['-t', 'rsa', '-b', '2048', '-m', 'PEM'], begins: 'RSA PRIVATE KEY' },
    { name: 'ecdsa p256, SEC1 PEM', args: ['-t', 'ecdsa', '-b', '256', '-m', 'PEM'], begins: 'EC PRIVATE KEY' },
    { name: 'rsa, PKCS#8 PEM', args: ['-t', 'rsa', '-b', '2048', '-m', 'PKCS8'], begins: 'BEGIN PRIVATE KEY' },
    { name: 'ecdsa p521, PKCS#8 PEM', args: ['-t', 'ecdsa', '-b', '521', '-m', 'PKCS8'], begins: 'BEGIN PRIVATE KEY' },
  ])('$name: the public blob ssh-keygen -y prints', async ({ name, args, begins }) => {
    const key = keygen(dir, name.replace(/[^a-z0-9]+/gi, '-'), args);
    const text = await readFile(key.file, 'utf8');
    expect(text).toContain(begins);
    const parsed = parsePrivateKey(text, key.file);
    expect(parsed.type).toBe(key.type);
    expect(parsed.publicBlob.toString('base64')).toBe(key.publicBase64);
    // a signature blob starts with its format name (rsa: the hash asked for by the flags)
    const signature = parsed.sign(Buffer.from('data'), 4);
    const format = signature.subarray(4, 4 + signature.readUInt32BE(0)).toString();
    expect(format).toBe(key.type === 'ssh-rsa' ? 'rsa-sha2-512' : key.type);
  });

  it('refuses a passphrase-protected key, naming the file and not its content', async () => {
    const file = join(dir, 'locked');
    expect(spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'a passphrase', '-f', file]).status).toBe(0);
    const text = await readFile(file, 'utf8');
    let error: unknown;
    try {
      parsePrivateKey(text, file);
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: 'INVALID_SSH_AGENT', message: `failed to parse ${file}: the key is protected by a passphrase` });
    expect((error as Error).message).not.toContain(text.split('\n')[1] ?? 'never');
  });
});

describe('parsePrivateKey on what is not a usable key', () => {
  it.each([
    { name: 'text', text: 'hello\n', message: 'no key found' },
    { name: 'a public key', text: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB9gAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA me\n', message: 'no key found' },
    { name: 'a broken OpenSSH block', text: '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n', message: 'not an openssh-key-v1 key' },
    { name: 'a truncated OpenSSH block', text: `-----BEGIN OPENSSH PRIVATE KEY-----\n${Buffer.from('openssh-key-v1\0\0\0\0\x04none').toString('base64')}\n-----END OPENSSH PRIVATE KEY-----\n`, message: 'truncated' },
    { name: 'a broken PEM block', text: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', message: 'failed to parse k' },
    { name: 'an encrypted PKCS#8 block', text: '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n', message: 'passphrase' },
  ])('$name', ({ text, message }) => {
    expect(() => parsePrivateKey(text, 'k')).toThrow(expect.objectContaining({ code: 'INVALID_SSH_AGENT', message: expect.stringContaining(message) as unknown }) as Error);
  });
});
