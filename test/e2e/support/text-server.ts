import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A plain-text HTTP server on 127.0.0.1 for ADD <url> tests: `base` is its address, `close()` stops it. */
export interface TextServer {
  readonly base: string;
  close(): Promise<void>;
}

/** Serves the text `body(request)` returns, with status 200, on a free port of 127.0.0.1. */
export async function startTextServer(body: (request: IncomingMessage) => string): Promise<TextServer> {
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end(body(request));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${String(port)}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => {
          if (err === undefined) resolve();
          else reject(err);
        });
      }),
  };
}
