import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { currentOwner, isSupervisorAlive } from './supervisor-owner.js';

async function ownerOf(pid: number): Promise<string> {
  const stat = await readFile(`/proc/${String(pid)}/stat`, 'utf8');
  return `${String(pid)}-${stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? ''}`;
}

describe('isSupervisorAlive', () => {
  it('this process is alive; unknown forms count as alive; a wrong start time or a missing pid is dead', async () => {
    expect(await isSupervisorAlive(currentOwner())).toBe(true);
    expect(await isSupervisorAlive('not-an-owner')).toBe(true);
    const [pid] = currentOwner().split('-');
    expect(await isSupervisorAlive(`${pid ?? ''}-1`)).toBe(false);
    expect(await isSupervisorAlive('999999999-5')).toBe(false);
  });

  it('a process that ended but was never reaped (a zombie) is dead', async () => {
    // The background sleep's parent execs into another sleep that never waits for it: a zombie.
    const parent = spawn('sh', ['-c', 'sleep 0.3 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const pid = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (chunk: Buffer) => {
      resolve(chunk.toString().trim());
    })));
    const owner = await ownerOf(pid);
    expect(await isSupervisorAlive(owner)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await readFile(`/proc/${String(pid)}/stat`, 'utf8')).split(') ')[1]?.charAt(0)).toBe('Z');
    expect(await isSupervisorAlive(owner)).toBe(false);
    parent.kill('SIGKILL');
  });
});
