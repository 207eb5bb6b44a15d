// A private dockerd for the benchmark: its own data root, exec root, pid file and a unix socket in
// a temp directory, no bridge, no iptables, so it listens on nothing but that socket and changes
// nothing on the host. The benchmark prunes its build cache before every cold build, which is why
// it never borrows a dockerd someone else is using (unless asked to with --docker-host).
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

function ping(socketPath) {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

function findDockerd() {
  for (const candidate of ['/usr/sbin/dockerd', '/usr/bin/dockerd']) if (existsSync(candidate)) return candidate;
  return undefined;
}

/**
 * Starts dockerd under `dir` and waits until it answers /_ping.
 * @returns {Promise<{ ok: true, pid: number, host: string, stop: () => Promise<void> } | { ok: false, reason: string }>}
 */
export async function startDockerd(dir, { timeoutMs = 60_000 } = {}) {
  const dockerd = findDockerd();
  if (dockerd === undefined) return { ok: false, reason: 'dockerd is not installed (Debian package docker.io)' };
  await mkdir(dir, { recursive: true });
  const socketPath = join(dir, 'docker.sock');
  const logPath = join(dir, 'dockerd.log');
  const log = createWriteStream(logPath);
  const child = spawn(
    dockerd,
    [
      '--bridge=none',
      '--iptables=false',
      '--ip-masq=false',
      '--data-root', join(dir, 'data'),
      '--exec-root', join(dir, 'exec'),
      '--pidfile', join(dir, 'dockerd.pid'),
      '--host', `unix://${socketPath}`,
      '--log-level', 'warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = false;
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => {
    exited = true;
    resolve({ code, signal });
  }));
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const result = await Promise.race([exit, sleep(30_000).then(() => undefined)]);
      if (result === undefined) {
        child.kill('SIGKILL');
        await exit;
      }
    }
    log.end();
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !exited) {
    if (await ping(socketPath)) return { ok: true, pid: child.pid, host: `unix://${socketPath}`, stop };
    await sleep(200);
  }
  await stop();
  const tail = (await readFile(logPath, 'utf8').catch(() => '')).trimEnd().split('\n').slice(-5).join('\n');
  return { ok: false, reason: `dockerd did not start within ${timeoutMs / 1000} s:\n${tail}` };
}

/** Whether a daemon already answers at `host` (unix://PATH). */
export async function dockerAnswers(host) {
  return host.startsWith('unix://') && (await ping(host.slice('unix://'.length)));
}
