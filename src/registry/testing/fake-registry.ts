import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toDigest } from '../../oci/index.js';
import type { Digest } from '../../oci/index.js';

/**
 * An in-process registry for fault tests (after go-containerregistry's pkg/registry): enough of
 * the distribution API for pulls and pushes, held in memory, listening on 127.0.0.1 only, with
 * switchable auth (none, basic, bearer tokens from its own /token realm) and injectable faults.
 */

export type FakeAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | {
      readonly kind: 'bearer';
      /** Credentials the token service accepts; without them only anonymous pulls are granted. */
      readonly username?: string;
      readonly password?: string;
      /** Whether a token for pulling is handed out without credentials. */
      readonly anonymousPull?: boolean;
      /** Token lifetime the service announces (seconds). */
      readonly expiresIn?: number;
      /** A refresh token the OAuth2 POST grant accepts; without it POST /token is a 404. */
      readonly refreshToken?: string;
    };

/** One request as the fake saw it. */
export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly authorization: string | undefined;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** A fault applied to the next `times` requests matching `method` and `path`. */
export interface Fault {
  readonly method?: string;
  readonly path: RegExp;
  /** How many matching requests it applies to (default 1). */
  times?: number;
  readonly action:
    | {
        readonly kind: 'status';
        readonly status: number;
        /** The body; `{{auth}}` in it is replaced by the request's Authorization header when `echoAuthorization`. */
        readonly body?: string;
        readonly headers?: Readonly<Record<string, string>>;
        readonly echoAuthorization?: boolean;
      }
    /** Send the headers and `after` bytes of the real body, then destroy the connection. */
    | { readonly kind: 'drop'; readonly after: number }
    /** Close the connection without answering. */
    | { readonly kind: 'reset' }
    /** Serve these bytes instead of the stored ones (with the stored length's headers). */
    | { readonly kind: 'replace-body'; readonly body: Buffer };
}

interface Upload {
  readonly repository: string;
  readonly chunks: Buffer[];
  size: number;
}

interface StoredManifest {
  readonly bytes: Buffer;
  readonly mediaType: string;
}

export interface FakeRegistry {
  /** `127.0.0.1:PORT`, as a reference names it. */
  readonly host: string;
  readonly requests: LoggedRequest[];
  /** Tokens handed out by the realm (to check they never leak). */
  readonly issuedTokens: string[];
  readonly faults: Fault[];
  putBlob(repository: string, bytes: Buffer): Digest;
  putManifest(repository: string, reference: string, bytes: Buffer, mediaType: string): Digest;
  hasBlob(repository: string, digest: Digest): boolean;
  blob(digest: Digest): Buffer | undefined;
  manifest(repository: string, reference: string): StoredManifest | undefined;
  close(): Promise<void>;
}

export function sha256(bytes: Buffer): Digest {
  return toDigest('sha256:' + createHash('sha256').update(bytes).digest('hex'));
}

function distributionError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): true {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify({ errors: [{ code, message, detail: null }] }));
  return true;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export interface FakeRegistryOptions {
  readonly auth?: FakeAuth;
  /** Whether blob GETs honour `Range: bytes=N-` (default true). */
  readonly rangeRequests?: boolean;
}

export async function startFakeRegistry(options: FakeRegistryOptions = {}): Promise<FakeRegistry> {
  const auth = options.auth ?? { kind: 'none' };
  const rangeRequests = options.rangeRequests ?? true;
  const blobs = new Map<Digest, Buffer>();
  const membership = new Map<string, Set<Digest>>();
  const manifests = new Map<string, Map<string, StoredManifest>>();
  const uploads = new Map<string, Upload>();
  const tokens = new Map<string, Set<string>>();
  const requests: LoggedRequest[] = [];
  const issuedTokens: string[] = [];
  const faults: Fault[] = [];
  let host = '';

  const member = (repo: string): Set<Digest> => {
    let set = membership.get(repo);
    if (set === undefined) membership.set(repo, (set = new Set<Digest>()));
    return set;
  };
  const putBlob = (repo: string, bytes: Buffer): Digest => {
    const digest = sha256(bytes);
    blobs.set(digest, bytes);
    member(repo).add(digest);
    return digest;
  };
  const putManifest = (repo: string, reference: string, bytes: Buffer, mediaType: string): Digest => {
    let map = manifests.get(repo);
    if (map === undefined) manifests.set(repo, (map = new Map<string, StoredManifest>()));
    const digest = sha256(bytes);
    map.set(digest, { bytes, mediaType });
    map.set(reference, { bytes, mediaType });
    return digest;
  };

  const basicOk = (header: string | undefined, username: string | undefined, password: string | undefined): boolean =>
    username !== undefined && header === 'Basic ' + Buffer.from(`${username}:${password ?? ''}`).toString('base64');

  /** Handles /token: grants the asked scopes the credentials allow. */
  const serveToken = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<true> => {
    if (auth.kind !== 'bearer') return distributionError(res, 404, 'NOT_FOUND', 'no token service');
    let authenticated: boolean;
    let scopes: string[];
    if (req.method === 'POST') {
      // the OAuth2 refresh-token grant
      if (auth.refreshToken === undefined) return distributionError(res, 404, 'NOT_FOUND', 'no oauth endpoint');
      const form = new URLSearchParams((await readBody(req)).toString('utf8'));
      authenticated = form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === auth.refreshToken;
      if (!authenticated) return distributionError(res, 401, 'UNAUTHORIZED', 'invalid refresh token');
      scopes = (form.get('scope') ?? '').split(' ').filter((x) => x !== '');
    } else {
      authenticated = basicOk(req.headers.authorization, auth.username, auth.password);
      if (req.headers.authorization !== undefined && !authenticated) {
        return distributionError(res, 401, 'UNAUTHORIZED', 'authentication required: bad username or password');
      }
      scopes = url.searchParams.getAll('scope');
    }
    const granted = new Set<string>();
    for (const scope of scopes) {
      const [kind, name, actions] = scope.split(':');
      if (kind !== 'repository' || name === undefined || actions === undefined) continue;
      for (const action of actions.split(',')) {
        if (authenticated || (action === 'pull' && auth.anonymousPull === true)) granted.add(`${name}:${action}`);
      }
    }
    const token = 'tok-' + randomBytes(12).toString('hex');
    tokens.set(token, granted);
    issuedTokens.push(token);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const field = req.method === 'POST' ? 'access_token' : 'token';
    res.end(JSON.stringify({ [field]: token, expires_in: auth.expiresIn ?? 300, issued_at: new Date().toISOString() }));
    return true;
  };

  /** Whether the request may do `action` on `repo`; answers the 401 itself when not. */
  const authorize = (req: IncomingMessage, res: ServerResponse, repo: string | undefined, action: string): boolean => {
    if (auth.kind === 'none') return true;
    const header = req.headers.authorization;
    if (auth.kind === 'basic') {
      if (basicOk(header, auth.username, auth.password)) return true;
      distributionError(res, 401, 'UNAUTHORIZED', 'authentication required', { 'WWW-Authenticate': 'Basic realm="fake-registry"' });
      return false;
    }
    const granted = header?.startsWith('Bearer ') === true ? tokens.get(header.slice(7)) : undefined;
    if (granted !== undefined && (repo === undefined || granted.has(`${repo}:${action}`))) return true;
    const scope = repo === undefined ? '' : `,scope="repository:${repo}:${action}"`;
    distributionError(res, 401, 'UNAUTHORIZED', 'authentication required', {
      'WWW-Authenticate': `Bearer realm="http://${host}/token",service="fake-registry"${scope}`,
    });
    return false;
  };

  const applyFault = (req: IncomingMessage, res: ServerResponse, path: string, body?: Buffer, headers?: Record<string, string>, status = 200): boolean => {
    const fault = faults.find((f) => (f.method === undefined || f.method === req.method) && f.path.test(path) && (f.times ?? 1) > 0);
    if (fault === undefined) return false;
    fault.times = (fault.times ?? 1) - 1;
    const action = fault.action;
    if (action.kind === 'status') {
      res.writeHead(action.status, { 'Content-Type': 'application/json', ...action.headers });
      const echo = action.echoAuthorization === true ? ` (you sent ${req.headers.authorization ?? 'nothing'})` : '';
      res.end((action.body ?? '').replace('{{auth}}', echo));
      return true;
    }
    if (action.kind === 'reset') {
      req.socket.destroy();
      return true;
    }
    if (body === undefined) return false;
    if (action.kind === 'drop') {
      res.writeHead(status, { ...headers, 'Content-Length': String(body.length) });
      res.write(body.subarray(0, action.after), () => {
        setTimeout(() => res.destroy(), 20);
      });
      return true;
    }
    res.writeHead(status, { ...headers, 'Content-Length': String(action.body.length) });
    res.end(action.body);
    return true;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<unknown> => {
    const url = new URL(req.url ?? '/', `http://${host}`);
    const path = url.pathname;
    requests.push({ method: req.method ?? 'GET', path, query: url.searchParams, authorization: req.headers.authorization, headers: req.headers });
    if (path === '/token') return serveToken(req, res, url);
    if (applyFault(req, res, path)) return;
    if (path === '/v2/' || path === '/v2') {
      if (!authorize(req, res, undefined, 'pull')) return;
      res.writeHead(200, { 'Content-Type': 'application/json', 'Docker-Distribution-API-Version': 'registry/2.0' });
      return void res.end('{}');
    }
    const match = /^\/v2\/(.+)\/(manifests|blobs)\/(uploads\/?([^/]*)|[^/]+)$/.exec(path);
    if (match === null) return distributionError(res, 404, 'NOT_FOUND', 'no such endpoint');
    const [, repo = '', kind, target = '', uploadId] = match;
    const writing = req.method === 'PUT' || req.method === 'POST' || req.method === 'PATCH';
    if (!authorize(req, res, repo, writing ? 'push' : 'pull')) return;

    if (kind === 'manifests') {
      if (req.method === 'PUT') {
        const bytes = await readBody(req);
        const digest = putManifest(repo, target, bytes, req.headers['content-type'] ?? 'application/json');
        res.writeHead(201, { 'Docker-Content-Digest': digest, Location: `/v2/${repo}/manifests/${digest}` });
        return void res.end();
      }
      const found = manifests.get(repo)?.get(target);
      if (found === undefined) return distributionError(res, 404, 'MANIFEST_UNKNOWN', `manifest unknown: ${target}`);
      const headers = { 'Content-Type': found.mediaType, 'Docker-Content-Digest': sha256(found.bytes) };
      if (req.method === 'HEAD') {
        res.writeHead(200, { ...headers, 'Content-Length': String(found.bytes.length) });
        return void res.end();
      }
      if (applyFault(req, res, path + '#body', found.bytes, headers)) return;
      res.writeHead(200, { ...headers, 'Content-Length': String(found.bytes.length) });
      return void res.end(found.bytes);
    }

    if (uploadId !== undefined) return handleUpload(req, res, url, repo, uploadId);
    const digest = target as Digest;
    const bytes = member(repo).has(digest) ? blobs.get(digest) : undefined;
    if (bytes === undefined) return distributionError(res, 404, 'BLOB_UNKNOWN', `blob unknown to registry: ${target}`);
    const headers = { 'Content-Type': 'application/octet-stream', 'Docker-Content-Digest': digest, 'Accept-Ranges': 'bytes' };
    if (req.method === 'HEAD') {
      res.writeHead(200, { ...headers, 'Content-Length': String(bytes.length) });
      return void res.end();
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range?.[1] !== undefined && rangeRequests) {
      const start = Number(range[1]);
      const part = bytes.subarray(start);
      const partHeaders = { ...headers, 'Content-Range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` };
      if (applyFault(req, res, path + '#body', part, partHeaders, 206)) return;
      res.writeHead(206, { ...partHeaders, 'Content-Length': String(part.length) });
      return void res.end(part);
    }
    if (applyFault(req, res, path + '#body', bytes, headers)) return;
    res.writeHead(200, { ...headers, 'Content-Length': String(bytes.length) });
    res.end(bytes);
  };

  const handleUpload = async (req: IncomingMessage, res: ServerResponse, url: URL, repo: string, id: string): Promise<unknown> => {
    if (req.method === 'POST') {
      await readBody(req);
      const mount = url.searchParams.get('mount');
      const from = url.searchParams.get('from');
      if (mount !== null && from !== null && membership.get(from)?.has(mount as Digest) === true) {
        member(repo).add(mount as Digest);
        res.writeHead(201, { Location: `/v2/${repo}/blobs/${mount}`, 'Docker-Content-Digest': mount });
        return void res.end();
      }
      const uuid = randomBytes(8).toString('hex');
      uploads.set(uuid, { repository: repo, chunks: [], size: 0 });
      res.writeHead(202, { Location: `/v2/${repo}/blobs/uploads/${uuid}?_state=secret-state-${uuid}`, Range: '0-0', 'Docker-Upload-UUID': uuid });
      return void res.end();
    }
    const upload = uploads.get(id);
    if (upload === undefined) return distributionError(res, 404, 'BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry');
    const body = await readBody(req);
    if (req.method === 'PATCH') {
      const range = /^(\d+)-(\d+)$/.exec(req.headers['content-range'] ?? '');
      if (range !== null && Number(range[1]) !== upload.size) {
        res.writeHead(416, { Range: `0-${upload.size - 1}` });
        return void res.end();
      }
      upload.chunks.push(body);
      upload.size += body.length;
      res.writeHead(202, { Location: `/v2/${repo}/blobs/uploads/${id}?_state=secret-state-${id}`, Range: `0-${upload.size - 1}` });
      return void res.end();
    }
    if (req.method === 'PUT') {
      upload.chunks.push(body);
      const all = Buffer.concat(upload.chunks);
      const digest = url.searchParams.get('digest');
      uploads.delete(id);
      if (digest !== sha256(all)) return distributionError(res, 400, 'DIGEST_INVALID', 'provided digest did not match uploaded content');
      putBlob(repo, all);
      res.writeHead(201, { Location: `/v2/${repo}/blobs/${digest}`, 'Docker-Content-Digest': digest });
      return void res.end();
    }
    return distributionError(res, 405, 'UNSUPPORTED', 'method not allowed');
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.destroy(err instanceof Error ? err : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    requests,
    issuedTokens,
    faults,
    putBlob,
    putManifest,
    hasBlob: (repo, digest) => membership.get(repo)?.has(digest) === true,
    blob: (digest) => blobs.get(digest),
    manifest: (repo, reference) => manifests.get(repo)?.get(reference),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** A 127.0.0.1 port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => {
    resolve();
  }));
  return port;
}
