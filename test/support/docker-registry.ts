import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Debian's real registry (`docker-registry`, distribution 2.8) for round-trip tests: started on
 * 127.0.0.1 and a free port, with a config file of its own and storage in a temp directory, and
 * stopped (storage removed) by stop().
 */

export const DOCKER_REGISTRY_BINARY = '/usr/bin/docker-registry';

/** Why the real registry cannot run here, or undefined when it can. */
export function dockerRegistryUnavailable(): string | undefined {
  return existsSync(DOCKER_REGISTRY_BINARY)
    ? undefined
    : `${DOCKER_REGISTRY_BINARY} is missing (Debian package docker-registry; scripts/setup.sh installs it)`;
}

export interface DockerRegistry {
  /** `127.0.0.1:PORT`. */
  readonly host: string;
  readonly storage: string;
  /** What the registry printed (for failing tests). */
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => {
    resolve();
  }));
  return port;
}

function configYaml(storage: string, host: string): string {
  return [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storage}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: ${host}`,
    '  secret: stagecraft-test-secret',
    '',
  ].join('\n');
}

async function waitReady(host: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}): ${output()}`);
    try {
      const response = await fetch(`http://${host}/v2/`);
      await response.body?.cancel();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await delay(50);
  }
  throw new Error(`docker-registry did not answer on ${host} within 15 s: ${output()}`);
}

export async function startDockerRegistry(): Promise<DockerRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'docker-registry-'));
  const storage = join(dir, 'storage');
  const configPath = join(dir, 'config.yml');
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const host = `127.0.0.1:${await freePort()}`;
    await writeFile(configPath, configYaml(storage, host));
    const child = spawn(DOCKER_REGISTRY_BINARY, ['serve', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const append = (chunk: Buffer): void => {
      log = (log + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    const exited = new Promise<void>((resolve) => child.once('exit', () => {
      resolve();
    }));
    try {
      await waitReady(host, child, () => log);
    } catch (err) {
      lastError = err;
      child.kill('SIGKILL');
      await exited;
      continue; // the port may have been taken in between: try another
    }
    return {
      host,
      storage,
      output: () => log,
      stop: async () => {
        if (child.exitCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(timer);
        }
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error('docker-registry did not start');
}
