import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface StreamRequestInit {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Readable | AsyncIterable<Uint8Array>;
  readonly signal?: AbortSignal;
}

function toHeaders(message: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(message.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * Sends a request whose body is a stream with node's http/https client and answers a fetch
 * Response. Uploads go this way because Node 20's fetch keeps every chunk of a streamed request
 * body in memory until the request ends (nodejs/undici#4058): a 2 GB layer would need 2 GB.
 * Here the body is piped with backpressure, so memory stays flat whatever the blob size.
 */
export function streamRequest(url: string, init: StreamRequestInit): Promise<Response> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Response>((resolve, reject) => {
    let settled = false;
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    const req = send(target, { method: init.method, headers: { ...init.headers }, ...(init.signal === undefined ? {} : { signal: init.signal }) });
    req.on('error', fail);
    req.on('response', (message: IncomingMessage) => {
      if (settled) {
        message.resume();
        return;
      }
      settled = true;
      const body = init.method === 'HEAD' || NULL_BODY_STATUSES.has(message.statusCode ?? 0) ? null : (Readable.toWeb(message) as ReadableStream<Uint8Array>);
      if (body === null) message.resume();
      resolve(new Response(body, { status: message.statusCode ?? 500, statusText: message.statusMessage ?? '', headers: toHeaders(message) }));
    });
    const source = init.body instanceof Readable ? init.body : Readable.from(init.body, { objectMode: false });
    // A registry may answer (a 401, a 413) before it has read the whole body; the answer wins
    // then, and the broken pipe that follows is not the error to report.
    pipeline(source, req).catch(fail);
  });
}
