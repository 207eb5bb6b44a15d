import { describe, expect, it } from 'vitest';
import type { Readable } from 'node:stream';
import { spawnPiped } from './spawn-piped.js';
import { nativeSysStatus, withoutNativeSys } from './sys.js';

function collect(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve) => {
    stream.once('close', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/** Runs `sh -c script` and returns its output and exit. */
async function run(script: string, newSession = false): Promise<{ out: string; err: string; code: number | null; signal: string | null; pid: number }> {
  const child = spawnPiped('sh', ['-c', script], { newSession });
  const [out, err, exit] = await Promise.all([collect(child.stdout), collect(child.stderr), child.exited]);
  return { out, err, ...exit, pid: child.pid };
}

const ways: Array<[string, <T>(body: () => Promise<T>) => Promise<T>]> = [
  ['the addon (posix_spawn)', (body) => body()],
  ['child_process.spawn', withoutNativeSys],
];

describe.each(ways)('spawnPiped through %s', (name, around) => {
  it.runIf(name !== 'the addon (posix_spawn)' || nativeSysStatus().available)('pipes stdout and stderr apart, closes stdin, and gives the exit code', async () => {
    const result = await around(() => run('echo out; echo err >&2; read line || echo "stdin: eof"; exit 3'));
    expect(result).toMatchObject({ out: 'out\nstdin: eof\n', err: 'err\n', code: 3, signal: null });
  });

  it.runIf(name !== 'the addon (posix_spawn)' || nativeSysStatus().available)('reports the signal that ended the child, with the default dispositions restored', async () => {
    // node ignores SIGPIPE; the child must not inherit that
    const result = await around(() => run('trap - PIPE; kill -PIPE $$; echo not reached'));
    expect(result).toMatchObject({ code: null, signal: 'SIGPIPE', out: '' });
    const killed = await around(async () => {
      const child = spawnPiped('sleep', ['30']);
      child.kill('SIGKILL');
      return child.exited;
    });
    expect(killed).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it.runIf(name !== 'the addon (posix_spawn)' || nativeSysStatus().available)('starts the child in a session of its own when asked', async () => {
    // field 6 of /proc/self/stat is the session id: the shell's own pid when it leads a new session
    const own = await around(() => run('read -r stat < /proc/$$/stat; set -- $stat; echo $6 $$', true));
    const [sid, pid] = own.out.trim().split(' ');
    expect(sid).toBe(pid);
    const inherited = await around(() => run('read -r stat < /proc/$$/stat; set -- $stat; echo $6 $$'));
    const [sid2, pid2] = inherited.out.trim().split(' ');
    expect(sid2).not.toBe(pid2);
  });

  it.runIf(name !== 'the addon (posix_spawn)' || nativeSysStatus().available)('rejects `exited` with ENOENT when there is no such program', async () => {
    await expect(around(async () => spawnPiped('stagecraft-no-such-program', []).exited)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
