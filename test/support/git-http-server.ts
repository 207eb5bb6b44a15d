import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A git server for tests, on 127.0.0.1 only: `git http-backend` (git's own smart HTTP CGI program)
 * behind a small Node HTTP server, serving the bare repositories under `root`. Every request is
 * counted, so a test can tell whether a build went to the server at all.
 */
export interface GitHttpServer {
  /** `http://127.0.0.1:PORT` */
  readonly base: string;
  readonly root: string;
  /** Requests served so far. */
  requests(): number;
  close(): Promise<void>;
}

const BACKEND = '/usr/lib/git-core/git-http-backend';

/** Whether git and its http-backend are installed. */
export function gitServerAvailable(): boolean {
  return spawnSync('git', ['--version'], { stdio: 'ignore' }).status === 0 && spawnSync('test', ['-x', BACKEND]).status === 0;
}

function serveCgi(root: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const child = spawn(BACKEND, [], {
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: root,
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      ...(req.headers['content-length'] !== undefined ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
      ...(req.headers['content-encoding'] !== undefined ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
      ...(typeof req.headers['git-protocol'] === 'string' ? { GIT_PROTOCOL: req.headers['git-protocol'] } : {}),
      REMOTE_ADDR: '127.0.0.1',
      SERVER_PROTOCOL: 'HTTP/1.1',
    },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  req.pipe(child.stdin);
  child.stdin.on('error', () => undefined);
  let head = Buffer.alloc(0);
  let headerDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headerDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end === -1) return;
    headerDone = true;
    let status = 200;
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon === -1) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else res.setHeader(name, value);
    }
    res.writeHead(status);
    res.write(head.subarray(end + 4));
  });
  child.on('close', () => {
    if (!headerDone) res.writeHead(500);
    res.end();
  });
}

/** Starts the server for the bare repositories under `root` (a fresh temp dir by default). */
export async function startGitHttpServer(root?: string): Promise<GitHttpServer> {
  const dir = root ?? (await mkdtemp(join(tmpdir(), 'stagecraft-git-server-')));
  let count = 0;
  const server: Server = createServer((req, res) => {
    count++;
    serveCgi(dir, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${String(port)}`,
    root: dir,
    requests: () => count,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      if (root === undefined) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Runs git with a fixed identity and dates, failing loudly. */
export function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.invalid',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.invalid',
      GIT_AUTHOR_DATE: '2024-01-02T03:04:05Z',
      GIT_COMMITTER_DATE: '2024-01-02T03:04:05Z',
      GIT_CONFIG_NOSYSTEM: '1',
    },
  });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout.trim();
}

/**
 * A working repository whose commits are pushed to the bare repository `<server root>/<name>.git`:
 * `commit(files, message)` writes the files (path -> content), commits and pushes the branch.
 */
export async function makeServedRepo(server: GitHttpServer, name: string, branch = 'main'): Promise<{ work: string; url: string; commit: (files: Record<string, string>, message: string) => Promise<string> }> {
  const bare = join(server.root, `${name}.git`);
  const work = await mkdtemp(join(tmpdir(), 'stagecraft-git-work-'));
  git(server.root, 'init', '-q', '--bare', `-b${branch}`, bare);
  git(bare, 'config', 'http.receivepack', 'false');
  git(work, 'init', '-q', `-b${branch}`);
  git(work, 'remote', 'add', 'origin', bare);
  return {
    work,
    url: `${server.base}/${name}.git`,
    commit: async (files, message) => {
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(work, path)), { recursive: true });
        await writeFile(join(work, path), content);
      }
      git(work, 'add', '-A');
      git(work, 'commit', '-q', '-m', message);
      git(work, 'push', '-q', '--tags', 'origin', `HEAD:refs/heads/${branch}`);
      return git(work, 'rev-parse', 'HEAD');
    },
  };
}
