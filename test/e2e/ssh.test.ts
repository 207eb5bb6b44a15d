/**
 * RUN --mount=type=ssh end to end: a step talks to the agent given with `--ssh` through the socket
 * at its target (SSH_AUTH_SOCK), lists its keys and gets a signature that verifies; it cannot
 * change the host's agent; nothing of the socket stays in the image. Needs OpenSSH's ssh-agent,
 * ssh-add and ssh-keygen on the host and python3 in the image (python:3.11-slim) as the client.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createPublicKey, verify } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBuildError } from '../../src/errors/index.js';
import type { Layer } from '../../src/image/index.js';
import { openSshAgents } from '../../src/secrets/index.js';
import type { SshSpec } from '../../src/secrets/index.js';
import { buildIn, withImageFiles } from './support/build-driver.js';
import { e2eUnavailable, ensureBaseImages } from './support/e2e-env.js';

const missingTools = ['ssh-agent', 'ssh-add', 'ssh-keygen'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
const reason = (await e2eUnavailable()) ?? (missingTools.length > 0 ? `${missingTools.join(', ')} not installed (Debian: openssh-client)` : undefined);
if (reason !== undefined) console.warn(`end-to-end ssh mount tests skipped: ${reason}`);

/** A minimal ssh-agent client: lists identities, asks for a signature with the first, tries to remove all keys. */
const AGENT_CLIENT = `import base64, os, struct, socket, sys

def call(sock, body):
    sock.sendall(struct.pack('>I', len(body)) + body)
    head = b''
    while len(head) < 4:
        head += sock.recv(4 - len(head))
    size = struct.unpack('>I', head)[0]
    data = b''
    while len(data) < size:
        data += sock.recv(size - len(data))
    return data

def string(value):
    return struct.pack('>I', len(value)) + value

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
with open(out + '/sock', 'w') as f:
    f.write(os.environ.get('SSH_AUTH_SOCK', 'unset'))
path = os.environ['SSH_AUTH_SOCK']
if not os.path.exists(path):
    with open(out + '/identities', 'w') as f:
        f.write('no socket')
    sys.exit(0)
s = socket.socket(socket.AF_UNIX)
s.connect(path)
reply = call(s, bytes([11]))
count = struct.unpack('>I', reply[1:5])[0]
pos = 5
blobs = []
for _ in range(count):
    size = struct.unpack('>I', reply[pos:pos + 4])[0]
    blobs.append(reply[pos + 4:pos + 4 + size])
    pos += 4 + size
    size = struct.unpack('>I', reply[pos:pos + 4])[0]
    pos += 4 + size
with open(out + '/identities', 'w') as f:
    f.write('\\n'.join(base64.b64encode(b).decode() for b in blobs))
signed = call(s, bytes([13]) + string(blobs[0]) + string(b'signed inside a RUN step') + struct.pack('>I', 0))
with open(out + '/signature', 'w') as f:
    f.write(base64.b64encode(signed).decode())
with open(out + '/remove-all', 'w') as f:
    f.write(str(call(s, bytes([19]))[0]))
`;

/** Reads SSH strings from a buffer. */
function sshStrings(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let pos = 0; pos + 4 <= data.length; ) {
    const size = data.readUInt32BE(pos);
    out.push(data.subarray(pos + 4, pos + 4 + size));
    pos += 4 + size;
  }
  return out;
}

/** Checks an agent's sign response (type 14, then the signature blob) against an ssh-ed25519 public blob. */
function ed25519SignatureVerifies(response: Buffer, publicBlob: Buffer, data: string): boolean {
  if (response[0] !== 14) return false;
  const [blob] = sshStrings(response.subarray(1));
  const [format, signature] = sshStrings(blob ?? Buffer.alloc(0));
  const [type, raw] = sshStrings(publicBlob);
  if (format?.toString() !== 'ssh-ed25519' || type?.toString() !== 'ssh-ed25519' || raw === undefined || signature === undefined) return false;
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  return verify(null, Buffer.from(data), key, signature);
}

async function layerPaths(layer: Layer): Promise<string[]> {
  const stream: Readable = await layer.openUncompressed();
  const paths: string[] = [];
  const reader = extract();
  reader.on('entry', (header, body, next) => {
    paths.push(header.name.replace(/^\.\//, ''));
    body.on('end', next);
    body.resume();
  });
  await new Promise<void>((resolve, reject) => {
    reader.on('finish', resolve);
    reader.on('error', reject);
    stream.pipe(reader);
  });
  return paths;
}

function sshAdd(socket: string, args: readonly string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile('ssh-add', args, { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', SSH_AUTH_SOCK: socket } }, (error, stdout) => {
      resolve({ code: error === null ? 0 : 1, stdout });
    });
  });
}

describe.skipIf(reason !== undefined)('RUN --mount=type=ssh', () => {
  let dir: string;
  let agent: ChildProcess;
  let agentSocket: string;
  let hostKeyBlob: Buffer;
  let fileKeyBlob: Buffer;
  beforeAll(async () => {
    await ensureBaseImages(['python:3.11-slim']);
    dir = await mkdtemp(join(tmpdir(), 'stagecraft-e2e-ssh-'));
    for (const name of ['host-key', 'file-key']) {
      expect(spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', join(dir, name)]).status).toBe(0);
    }
    hostKeyBlob = Buffer.from((await readFile(join(dir, 'host-key.pub'), 'utf8')).split(' ')[1] ?? '', 'base64');
    fileKeyBlob = Buffer.from((await readFile(join(dir, 'file-key.pub'), 'utf8')).split(' ')[1] ?? '', 'base64');
    agentSocket = join(dir, 'agent.sock');
    agent = spawn('ssh-agent', ['-D', '-a', agentSocket], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !existsSync(agentSocket); i++) await new Promise((r) => setTimeout(r, 50));
    expect((await sshAdd(agentSocket, [join(dir, 'host-key')])).code).toBe(0);
    await writeFile(join(dir, 'agent-client.py'), AGENT_CLIENT);
  }, 1_800_000);
  afterAll(async () => {
    agent.kill();
    await rm(dir, { recursive: true, force: true });
  });

  async function build(dockerfile: string, specs: readonly SshSpec[]) {
    await writeFile(join(dir, 'Dockerfile'), dockerfile);
    const ssh = specs.length > 0 ? await openSshAgents(specs, { env: { SSH_AUTH_SOCK: agentSocket }, cwd: dir }) : undefined;
    return buildIn(dir, ssh !== undefined ? { ssh } : {});
  }

  async function outputs(result: Awaited<ReturnType<typeof build>>['result'], names: readonly string[]): Promise<Record<string, string>> {
    return withImageFiles(result, async (rootfs) => {
      const read = (path: string): Promise<string> => readFile(join(rootfs, path), 'utf8').catch(() => 'absent');
      return Object.fromEntries(await Promise.all(names.map(async (name) => [name, await read(name)] as const)));
    });
  }

  it('--ssh default forwards the host agent: the step lists its key and gets a signature that verifies, cannot remove keys, leaves nothing behind', { timeout: 300_000 }, async () => {
    const dockerfile = [
      'FROM python:3.11-slim',
      'COPY agent-client.py /agent-client.py',
      `RUN --mount=type=ssh python3 /agent-client.py /out && stat -c '%F %a %u %g' "$SSH_AUTH_SOCK" > /out/stat # ${String(Date.now())}`,
      'RUN ls /run/buildkit > /out/later 2>&1; printf "[%s]" "${SSH_AUTH_SOCK-unset}" > /out/later-env',
      '',
    ].join('\n');
    const { result } = await build(dockerfile, [{ id: 'default', paths: [] }]);
    const files = await outputs(result, ['out/sock', 'out/identities', 'out/signature', 'out/remove-all', 'out/stat', 'out/later', 'out/later-env', 'run/buildkit']);
    expect(files['out/sock']).toBe('/run/buildkit/ssh_agent.0');
    expect(files['out/identities']).toBe(hostKeyBlob.toString('base64'));
    expect(ed25519SignatureVerifies(Buffer.from(files['out/signature'] ?? '', 'base64'), hostKeyBlob, 'signed inside a RUN step')).toBe(true);
    expect(files['out/remove-all']).toBe('5'); // SSH_AGENT_FAILURE: the forwarded agent is read-only
    expect(files['out/stat']).toBe('socket 600 0 0\n');
    expect(files['out/later']).toContain('No such file or directory');
    expect(files['out/later-env']).toBe('[unset]');
    expect(files['run/buildkit']).toBe('absent');
    // the host agent still holds its key
    expect((await sshAdd(agentSocket, ['-L'])).stdout).toContain(hostKeyBlob.toString('base64'));
    // neither the socket nor its directory is in the step's layer, nor SSH_AUTH_SOCK in the config
    const layer = (await result.image.layers()).at(-2);
    if (layer === undefined) throw new Error('no layer for the RUN step');
    // (bare parent directories copied up unchanged by the runtime's mount points may stay: stagecraft's
    // diff keeps copied-up directories where BuildKit's skips unchanged ones)
    expect((await layerPaths(layer)).filter((p) => !p.startsWith('out/') && p !== 'run/' && p !== 'etc/')).toEqual([]);
    expect(JSON.stringify((await result.image.config()).config?.Env ?? [])).not.toContain('SSH_AUTH_SOCK');
  });

  it('--ssh ID=KEYFILE serves the key at target= with the mount\'s owner and mode', { timeout: 300_000 }, async () => {
    const dockerfile = [
      'FROM python:3.11-slim',
      'COPY agent-client.py /agent-client.py',
      `RUN --mount=type=ssh,id=deploy,target=/tmp/deploy.sock,mode=0660,uid=1000,gid=1001,required python3 /agent-client.py /out && stat -c '%a %u %g' /tmp/deploy.sock > /out/stat # ${String(Date.now())}`,
      '',
    ].join('\n');
    const { result } = await build(dockerfile, [{ id: 'deploy', paths: ['file-key'] }]);
    const files = await outputs(result, ['out/sock', 'out/identities', 'out/signature', 'out/remove-all', 'out/stat', 'tmp/deploy.sock']);
    expect(files['out/sock']).toBe('/tmp/deploy.sock');
    expect(files['out/identities']).toBe(fileKeyBlob.toString('base64'));
    expect(ed25519SignatureVerifies(Buffer.from(files['out/signature'] ?? '', 'base64'), fileKeyBlob, 'signed inside a RUN step')).toBe(true);
    expect(files['out/remove-all']).toBe('5');
    expect(files['out/stat']).toBe('660 1000 1001\n');
    expect(files['tmp/deploy.sock']).toBe('absent');
  });

  it('an optional agent that was not given is left out (SSH_AUTH_SOCK is still set, as BuildKit sets it)', { timeout: 300_000 }, async () => {
    const dockerfile = `FROM python:3.11-slim\nCOPY agent-client.py /agent-client.py\nRUN --mount=type=ssh,id=absent python3 /agent-client.py /out # ${String(Date.now())}\n`;
    const { result } = await build(dockerfile, [{ id: 'default', paths: [] }]);
    const files = await outputs(result, ['out/sock', 'out/identities']);
    expect(files).toEqual({ 'out/sock': '/run/buildkit/ssh_agent.0', 'out/identities': 'no socket' });
  });

  it('a required agent that was not given fails its step at its line', { timeout: 300_000 }, async () => {
    const dockerfile = `FROM python:3.11-slim\nRUN --mount=type=ssh,required=true true # ${String(Date.now())}\n`;
    const error = await build(dockerfile, []).then(() => undefined, (err: unknown) => err);
    if (!isBuildError(error)) throw new Error('the build did not fail with a BuildError');
    expect(error.code).toBe('SSH_AGENT_NOT_FOUND');
    expect(error.message).toBe('no SSH key "default" forwarded from the client');
    expect(error.locations.map((l) => l.start.line)).toContain(2);
    expect(error.hint).toContain('--ssh default');
  });
});
