import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { BuildError } from '../errors/index.js';
import { encodeMpint, encodeString, SignFlag, WireReader } from './agent-protocol.js';

/** A private key the build's own agent holds: its public blob and a signer giving SSH signature blobs. */
export interface AgentKey {
  /** The key's SSH type (`ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-nistp256`, ...). */
  readonly type: string;
  /** The public key as the agent lists it (SSH wire form). */
  readonly publicBlob: Buffer;
  /** Signs `data` as an agent answers a sign request: an SSH signature blob (format name + signature). */
  sign(data: Uint8Array, flags: number): Buffer;
}

const CURVES: Readonly<Record<string, { readonly name: string; readonly hash: string; readonly size: number }>> = {
  'P-256': { name: 'nistp256', hash: 'sha256', size: 32 },
  'P-384': { name: 'nistp384', hash: 'sha384', size: 48 },
  'P-521': { name: 'nistp521', hash: 'sha512', size: 66 },
};
const CURVE_BY_SSH_NAME = new Map(Object.entries(CURVES).map(([jwk, curve]) => [curve.name, jwk]));

function invalidKey(source: string, reason: string, hint?: string): BuildError {
  return new BuildError('INVALID_SSH_AGENT', `failed to parse ${source}: ${reason}`, {
    hint: hint ?? 'give an unencrypted private key (OpenSSH or PEM) or the socket of a running ssh-agent',
    details: { path: source },
  });
}

function fromBase64Url(text: string | undefined): Buffer {
  return Buffer.from(text ?? '', 'base64url');
}

function leftPad(bytes: Buffer, size: number): Buffer {
  return bytes.length >= size ? bytes : Buffer.concat([Buffer.alloc(size - bytes.length), bytes]);
}

function toBigInt(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`);
}

function fromBigInt(value: bigint): Buffer {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 === 1 ? `0${hex}` : hex, 'hex');
}

/** The agent's view of a Node key object (RSA, ECDSA on the NIST curves, Ed25519). */
function agentKeyOf(key: KeyObject, source: string): AgentKey {
  const jwk: JsonWebKey = createPublicKey(key).export({ format: 'jwk' });
  switch (key.asymmetricKeyType) {
    case 'ed25519': {
      const publicBlob = Buffer.concat([encodeString('ssh-ed25519'), encodeString(fromBase64Url(jwk.x))]);
      return {
        type: 'ssh-ed25519',
        publicBlob,
        sign: (data) => Buffer.concat([encodeString('ssh-ed25519'), encodeString(sign(null, data, key))]),
      };
    }
    case 'rsa': {
      const publicBlob = Buffer.concat([encodeString('ssh-rsa'), encodeMpint(fromBase64Url(jwk.e)), encodeMpint(fromBase64Url(jwk.n))]);
      return {
        type: 'ssh-rsa',
        publicBlob,
        sign: (data, flags) => {
          // OpenSSH's agent: SHA-256 when asked for, else SHA-512 when asked for, else the old SHA-1 form
          const [format, hash] =
            flags & SignFlag.rsaSha256 ? ['rsa-sha2-256', 'sha256'] : flags & SignFlag.rsaSha512 ? ['rsa-sha2-512', 'sha512'] : ['ssh-rsa', 'sha1'];
          return Buffer.concat([encodeString(format), encodeString(sign(hash, data, key))]);
        },
      };
    }
    case 'ec': {
      const curve = CURVES[jwk.crv ?? ''];
      if (curve === undefined) throw invalidKey(source, `unsupported elliptic curve ${jwk.crv ?? '(none)'}`);
      const type = `ecdsa-sha2-${curve.name}`;
      const point = Buffer.concat([Buffer.of(4), leftPad(fromBase64Url(jwk.x), curve.size), leftPad(fromBase64Url(jwk.y), curve.size)]);
      const publicBlob = Buffer.concat([encodeString(type), encodeString(curve.name), encodeString(point)]);
      return {
        type,
        publicBlob,
        sign: (data) => {
          const raw = sign(curve.hash, data, { key, dsaEncoding: 'ieee-p1363' });
          const half = raw.length / 2;
          const inner = Buffer.concat([encodeMpint(raw.subarray(0, half)), encodeMpint(raw.subarray(half))]);
          return Buffer.concat([encodeString(type), encodeString(inner)]);
        },
      };
    }
    default:
      throw invalidKey(source, `unsupported key type ${key.asymmetricKeyType ?? 'unknown'}`);
  }
}

/** The private part of an unencrypted `openssh-key-v1` file, as a JWK Node can import. */
function opensshKeyJwk(body: Buffer, source: string): JsonWebKey {
  const magic = 'openssh-key-v1\0';
  if (body.subarray(0, magic.length).toString('latin1') !== magic) throw invalidKey(source, 'not an openssh-key-v1 key');
  const outer = new WireReader(body.subarray(magic.length));
  const cipher = outer.text();
  outer.text(); // kdf name
  outer.string(); // kdf options
  if (cipher !== 'none') {
    throw invalidKey(source, 'the key is protected by a passphrase', 'load it into an ssh-agent (ssh-add KEY) and pass --ssh default, or give an unencrypted key');
  }
  if (outer.uint32() !== 1) throw invalidKey(source, 'a key file with more than one key');
  outer.string(); // public key
  const inner = new WireReader(outer.string());
  if (inner.uint32() !== inner.uint32()) throw invalidKey(source, 'corrupt private key (check bytes differ)');
  const type = inner.text();
  if (type === 'ssh-ed25519') {
    const publicKey = inner.string();
    const privateKey = inner.string();
    return { kty: 'OKP', crv: 'Ed25519', x: publicKey.toString('base64url'), d: privateKey.subarray(0, 32).toString('base64url') };
  }
  if (type === 'ssh-rsa') {
    const n = inner.mpint();
    const e = inner.mpint();
    const d = inner.mpint();
    const iqmp = inner.mpint();
    const p = inner.mpint();
    const q = inner.mpint();
    const dn = toBigInt(d);
    const b64 = (value: Buffer): string => value.toString('base64url');
    return {
      kty: 'RSA',
      n: b64(n),
      e: b64(e),
      d: b64(d),
      p: b64(p),
      q: b64(q),
      dp: b64(fromBigInt(dn % (toBigInt(p) - 1n))),
      dq: b64(fromBigInt(dn % (toBigInt(q) - 1n))),
      qi: b64(iqmp),
    };
  }
  if (type.startsWith('ecdsa-sha2-')) {
    const curveName = inner.text();
    const crv = CURVE_BY_SSH_NAME.get(curveName);
    const curve = crv === undefined ? undefined : CURVES[crv];
    if (crv === undefined || curve === undefined) throw invalidKey(source, `unsupported elliptic curve ${curveName}`);
    const point = inner.string();
    const d = inner.mpint();
    if (point.length !== 1 + 2 * curve.size || point[0] !== 4) throw invalidKey(source, 'corrupt elliptic curve point');
    return {
      kty: 'EC',
      crv,
      x: point.subarray(1, 1 + curve.size).toString('base64url'),
      y: point.subarray(1 + curve.size).toString('base64url'),
      d: leftPad(d, curve.size).toString('base64url'),
    };
  }
  throw invalidKey(source, `unsupported key type ${type}`);
}

const OPENSSH_BLOCK = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/;

/**
 * Reads a private key file's text as BuildKit's `--ssh ID=KEYFILE` does: OpenSSH's own format or
 * PEM (PKCS#1, PKCS#8, SEC1), RSA, ECDSA (P-256/384/521) or Ed25519, never with a passphrase.
 * Errors name the file (`source`), never its content.
 */
export function parsePrivateKey(text: string, source: string): AgentKey {
  const openssh = OPENSSH_BLOCK.exec(text);
  try {
    if (openssh !== null) {
      const body = Buffer.from((openssh[1] ?? '').replace(/\s+/g, ''), 'base64');
      return agentKeyOf(createPrivateKey({ key: opensshKeyJwk(body, source), format: 'jwk' }), source);
    }
    if (/Proc-Type:\s*4,ENCRYPTED|BEGIN ENCRYPTED PRIVATE KEY/.test(text)) {
      throw invalidKey(source, 'the key is protected by a passphrase', 'load it into an ssh-agent (ssh-add KEY) and pass --ssh default, or give an unencrypted key');
    }
    if (!text.includes('-----BEGIN ')) throw invalidKey(source, 'no key found (not a socket either)');
    return agentKeyOf(createPrivateKey({ key: text, format: 'pem' }), source);
  } catch (err) {
    if (err instanceof BuildError) throw err;
    // Node's and our parser's messages say what is wrong with the structure, not what the key holds
    throw invalidKey(source, err instanceof Error ? err.message.split('\n')[0] ?? 'invalid key' : 'invalid key');
  }
}
