import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { currentOwner, isOwnerAlive, ownedName, ownerOf } from './process-owner.js';

function ownerIdOf(pid: number): string {
  const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return `${String(pid)}-${fields[19] ?? '0'}`;
}

describe('process owners', () => {
  it('names carry their owner, and this process is alive', async () => {
    expect(ownerOf(ownedName())).toBe(currentOwner());
    expect(await isOwnerAlive(currentOwner())).toBe(true);
    expect(await isOwnerAlive('not-an-owner')).toBe(true);
  });

  it('a pid reused by another process, or one that is gone, is dead', async () => {
    const [pid] = currentOwner().split('-');
    expect(await isOwnerAlive(`${pid ?? ''}-1`)).toBe(false);
    expect(await isOwnerAlive('999999999-5')).toBe(false);
  });

  it('an exited process nobody reaped (a zombie) is dead', async () => {
    // sh starts a short child, then execs into `sleep`, which never reaps it: a zombie for 3 s.
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 3'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const pid = await new Promise<number>((resolvePid) => {
        parent.stdout.once('data', (chunk: Buffer) => {
          resolvePid(Number(chunk.toString().trim()));
        });
      });
      let owner = '';
      for (let i = 0; i < 50; i++) {
        const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
        owner = ownerIdOf(pid);
        if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await isOwnerAlive(owner)).toBe(false);
      expect(await isOwnerAlive(ownerIdOf(parent.pid ?? 0))).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
