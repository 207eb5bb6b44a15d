import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { AgentMessage, encodeUint32, frameMessage, MessageSplitter } from './agent-protocol.js';
import type { AgentSession } from './agent-server.js';

const FORWARDED: ReadonlySet<number> = new Set([AgentMessage.requestIdentities, AgentMessage.signRequest, AgentMessage.unlock]);
const CONNECT_TIMEOUT_MS = 2000;

/**
 * One connection to the host's agent at `socketPath`, read-only as BuildKit forwards it: listing
 * keys and signing (and unlocking) pass through; adding or removing keys, locking the agent and
 * extensions are answered with a failure here and never reach it.
 */
export function forwardingSession(socketPath: string): AgentSession {
  let upstream: Promise<Upstream> | undefined;
  return {
    answer: async (request) => {
      const type = request[0] ?? 0;
      if (FORWARDED.has(type)) {
        upstream ??= openUpstream(socketPath);
        return (await upstream).ask(request);
      }
      if (type === AgentMessage.requestV1Identities) return Buffer.concat([Buffer.of(AgentMessage.v1IdentitiesAnswer), encodeUint32(0)]);
      if (type === AgentMessage.removeAllV1Identities) return Buffer.of(AgentMessage.success);
      if (type === AgentMessage.extension) return Buffer.of(AgentMessage.extensionFailure);
      return Buffer.of(AgentMessage.failure);
    },
    close: () => {
      void upstream?.then((u) => {
        u.close();
      }, () => undefined);
    },
  };
}

interface Upstream {
  ask(request: Buffer): Promise<Buffer>;
  close(): void;
}

function openUpstream(socketPath: string): Promise<Upstream> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(socketPath);
    const timer = setTimeout(() => {
      socket.destroy(new Error(`failed to connect to ${socketPath}: timed out`));
    }, CONNECT_TIMEOUT_MS);
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(upstreamOver(socket));
    });
  });
}

/** Requests go out one at a time (the caller awaits each answer), so replies come back in order. */
function upstreamOver(socket: Socket): Upstream {
  const splitter = new MessageSplitter();
  const waiting: { resolve: (reply: Buffer) => void; reject: (err: Error) => void }[] = [];
  const fail = (err: Error): void => {
    for (const w of waiting.splice(0)) w.reject(err);
    socket.destroy();
  };
  socket.on('data', (chunk: Buffer) => {
    try {
      for (const reply of splitter.push(chunk)) waiting.shift()?.resolve(reply);
    } catch (err) {
      fail(err as Error);
    }
  });
  socket.on('error', fail);
  socket.on('close', () => {
    fail(new Error('the ssh agent closed the connection'));
  });
  return {
    ask: (request) =>
      new Promise((resolve, reject) => {
        if (socket.destroyed) {
          reject(new Error('the ssh agent closed the connection'));
          return;
        }
        waiting.push({ resolve, reject });
        socket.write(frameMessage(request));
      }),
    close: () => {
      socket.destroy();
    },
  };
}
