import { describe, expect, it } from 'vitest';
import { encodeMpint, encodeString, frameMessage, MAX_AGENT_MESSAGE, MessageSplitter, WireReader } from './agent-protocol.js';

describe('agent wire protocol', () => {
  it.each([
    { name: 'zero', value: [], wire: '00000000' },
    { name: 'leading zero bytes dropped', value: [0, 0, 0x12], wire: '0000000112' },
    { name: 'high bit gets a zero byte (stays positive)', value: [0x80, 0x01], wire: '00000003008001' },
    { name: 'plain', value: [0x7f, 0xff], wire: '000000027fff' },
  ])('mpint: $name', ({ value, wire }) => {
    const encoded = encodeMpint(Buffer.from(value));
    expect(encoded.toString('hex')).toBe(wire);
    const back = new WireReader(encoded).mpint();
    expect(back.toString('hex')).toBe(Buffer.from(value).toString('hex').replace(/^(00)+/, ''));
  });

  it('reads strings and integers back, and refuses truncated input', () => {
    const reader = new WireReader(Buffer.concat([encodeString('ssh-ed25519'), Buffer.of(0, 0, 0, 7), Buffer.of(0, 0, 0, 9, 1)]));
    expect(reader.text()).toBe('ssh-ed25519');
    expect(reader.uint32()).toBe(7);
    expect(() => reader.string()).toThrow('truncated');
  });

  it('splits a stream into messages whatever the chunking', () => {
    const stream = Buffer.concat([frameMessage(Buffer.of(11)), frameMessage(Buffer.from('\x0dabc')), frameMessage(Buffer.of(19))]);
    for (let size = 1; size <= stream.length; size++) {
      const splitter = new MessageSplitter();
      const messages: string[] = [];
      for (let at = 0; at < stream.length; at += size) {
        for (const message of splitter.push(stream.subarray(at, at + size))) messages.push(message.toString('hex'));
      }
      expect(messages).toEqual(['0b', '0d616263', '13']);
    }
  });

  it.each([
    { name: 'an empty message', bytes: [0, 0, 0, 0], message: 'size is 0' },
    { name: 'a message over 16 MiB', bytes: [0x01, 0x00, 0x00, 0x01], message: 'too large' },
  ])('refuses $name', ({ bytes, message }) => {
    expect(MAX_AGENT_MESSAGE).toBe(16 * 1024 * 1024);
    expect(() => new MessageSplitter().push(Buffer.from(bytes))).toThrow(message);
  });
});
