/**
 * The ssh-agent wire protocol (draft-miller-ssh-agent): each message is a uint32 length and that
 * many bytes, the first of which is the message type. Strings are a uint32 length and bytes;
 * mpints are strings holding a big-endian two's complement number without needless leading bytes.
 */

export const AgentMessage = {
  /** Protocol 1 leftovers, answered as Go's agent server answers them. */
  requestV1Identities: 1,
  v1IdentitiesAnswer: 2,
  removeAllV1Identities: 9,
  failure: 5,
  success: 6,
  requestIdentities: 11,
  identitiesAnswer: 12,
  signRequest: 13,
  signResponse: 14,
  addIdentity: 17,
  removeIdentity: 18,
  removeAllIdentities: 19,
  lock: 22,
  unlock: 23,
  addIdConstrained: 25,
  extension: 27,
  extensionFailure: 28,
} as const;

/** Sign request flags (for RSA keys: which hash). */
export const SignFlag = { rsaSha256: 2, rsaSha512: 4 } as const;

/** The largest request or reply accepted (Go's x/crypto/ssh/agent uses 16 MiB both ways). */
export const MAX_AGENT_MESSAGE = 16 << 20;

function uint32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
}

/** A message on the wire: its length, then its bytes. */
export function frameMessage(body: Uint8Array): Buffer {
  return Buffer.concat([uint32(body.length), body]);
}

/** An SSH string. */
export function encodeString(value: Uint8Array | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([uint32(bytes.length), bytes]);
}

/** An SSH mpint of a non-negative number given as unsigned big-endian bytes. */
export function encodeMpint(unsigned: Uint8Array): Buffer {
  let start = 0;
  while (start < unsigned.length && unsigned[start] === 0) start++;
  const digits = Buffer.from(unsigned.subarray(start));
  if (digits.length === 0) return uint32(0);
  const first = digits[0] ?? 0;
  return encodeString(first & 0x80 ? Buffer.concat([Buffer.of(0), digits]) : digits);
}

export function encodeUint32(value: number): Buffer {
  return uint32(value);
}

/** Reads SSH wire values one after another; every read throws on truncated input. */
export class WireReader {
  #offset = 0;
  readonly #data: Buffer;

  constructor(data: Uint8Array) {
    this.#data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  }

  get remaining(): number {
    return this.#data.length - this.#offset;
  }

  byte(): number {
    if (this.remaining < 1) throw new Error('truncated ssh message');
    const value = this.#data[this.#offset] ?? 0;
    this.#offset += 1;
    return value;
  }

  uint32(): number {
    if (this.remaining < 4) throw new Error('truncated ssh message');
    const value = this.#data.readUInt32BE(this.#offset);
    this.#offset += 4;
    return value;
  }

  bytes(length: number): Buffer {
    if (this.remaining < length) throw new Error('truncated ssh message');
    const value = this.#data.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return value;
  }

  string(): Buffer {
    return this.bytes(this.uint32());
  }

  text(): string {
    return this.string().toString('utf8');
  }

  /** An mpint as unsigned big-endian bytes (negative numbers are refused). */
  mpint(): Buffer {
    const raw = this.string();
    if (raw.length > 0 && ((raw[0] ?? 0) & 0x80) !== 0) throw new Error('negative mpint in ssh message');
    let start = 0;
    while (start < raw.length && raw[start] === 0) start++;
    return raw.subarray(start);
  }
}

/**
 * Splits a byte stream into agent messages. `push` returns the whole messages received so far;
 * a length of 0 or above MAX_AGENT_MESSAGE is a protocol error (the connection should be closed).
 */
export class MessageSplitter {
  #pending: Buffer = Buffer.alloc(0);

  push(chunk: Uint8Array): Buffer[] {
    this.#pending = this.#pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#pending, chunk]);
    const messages: Buffer[] = [];
    while (this.#pending.length >= 4) {
      const length = this.#pending.readUInt32BE(0);
      if (length === 0) throw new Error('agent: message size is 0');
      if (length > MAX_AGENT_MESSAGE) throw new Error(`agent: message too large: ${length}`);
      if (this.#pending.length < 4 + length) break;
      messages.push(this.#pending.subarray(4, 4 + length));
      this.#pending = this.#pending.subarray(4 + length);
    }
    return messages;
  }
}
