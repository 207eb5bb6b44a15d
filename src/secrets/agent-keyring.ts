import { AgentMessage, encodeString, encodeUint32, WireReader } from './agent-protocol.js';
import type { AgentSession } from './agent-server.js';
import type { AgentKey } from './ssh-private-key.js';

const FAILURE = Buffer.of(AgentMessage.failure);

/**
 * An agent holding the keys of `--ssh ID=KEYFILE`: it lists them (without comments, as BuildKit's
 * keyring lists keys it added) and signs with them. Adding, removing, locking and extensions are
 * refused, so a step cannot change what the build's agent holds.
 */
export function keyringSession(keys: readonly AgentKey[]): AgentSession {
  return {
    answer: (request) => Promise.resolve(answerKeyring(keys, request)),
    close: () => undefined,
  };
}

function answerKeyring(keys: readonly AgentKey[], request: Buffer): Buffer {
  switch (request[0]) {
    case AgentMessage.requestIdentities:
      return Buffer.concat([
        Buffer.of(AgentMessage.identitiesAnswer),
        encodeUint32(keys.length),
        ...keys.flatMap((key) => [encodeString(key.publicBlob), encodeString('')]),
      ]);
    case AgentMessage.signRequest: {
      try {
        const reader = new WireReader(request.subarray(1));
        const blob = reader.string();
        const data = reader.string();
        const flags = reader.remaining >= 4 ? reader.uint32() : 0;
        const key = keys.find((k) => k.publicBlob.equals(blob));
        if (key === undefined) return FAILURE;
        return Buffer.concat([Buffer.of(AgentMessage.signResponse), encodeString(key.sign(data, flags))]);
      } catch {
        return FAILURE;
      }
    }
    case AgentMessage.requestV1Identities:
      return Buffer.concat([Buffer.of(AgentMessage.v1IdentitiesAnswer), encodeUint32(0)]);
    case AgentMessage.removeAllV1Identities:
      return Buffer.of(AgentMessage.success);
    default:
      return FAILURE;
  }
}
