import type { Socket } from 'node:net';
import { frameMessage, MessageSplitter } from './agent-protocol.js';

/** Answers one connection's requests: each request body in, one reply body out. */
export interface AgentSession {
  answer(request: Buffer): Promise<Buffer>;
  /** Called once when the connection ends. */
  close(): void;
}

/**
 * Serves the agent protocol on one connection: requests are answered one at a time, in order (a
 * client may send several before reading). A malformed stream or a failed answer ends the
 * connection, as Go's agent server ends it.
 */
export function serveAgentConnection(socket: Socket, session: AgentSession): void {
  const splitter = new MessageSplitter();
  let queue: Promise<void> = Promise.resolve();
  let closed = false;
  const finish = (): void => {
    if (closed) return;
    closed = true;
    session.close();
    socket.destroy();
  };
  socket.on('data', (chunk: Buffer) => {
    let requests: Buffer[];
    try {
      requests = splitter.push(chunk);
    } catch {
      finish();
      return;
    }
    for (const request of requests) {
      queue = queue.then(async () => {
        if (closed) return;
        try {
          const reply = await session.answer(request);
          if (!socket.destroyed) socket.write(frameMessage(reply));
        } catch {
          finish();
        }
      });
    }
  });
  socket.on('error', finish);
  socket.on('close', finish);
}
