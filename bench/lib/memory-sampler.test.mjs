// node --test bench/lib/: the /proc reader on made-up stat lines and on real process trees.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseProcStat, startMemorySampler, treeRss } from './memory-sampler.mjs';

test('parseProcStat cuts the command name at the last parenthesis', () => {
  // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
  // cutime cstime priority nice threads itrealvalue starttime vsize rss ...
  const tail = '0 0 0 0 0 0 0 0 20 0 1 0 100 4096000 250 18446744073709551615 0 0 0';
  const cases = [
    [`42 (node) S 7 42 42 0 -1 4194560 ${tail}`, { pid: 42, ppid: 7, rssBytes: 250 * 4096 }],
    [`43 (a (b) c) R 42 43 43 0 -1 4194560 ${tail}`, { pid: 43, ppid: 42, rssBytes: 250 * 4096 }],
    [`44 (sp ace) S 1 44 44 0 -1 4194560 ${tail}`, { pid: 44, ppid: 1, rssBytes: 250 * 4096 }],
    ['45 no parenthesis', undefined],
  ];
  for (const [line, expected] of cases) assert.deepEqual(parseProcStat(line, 4096), expected, line);
});

test('treeRss sums a live tree: a parent and its children', async () => {
  const child = spawn('sh', ['-c', 'sleep 30 & sleep 30 & wait'], { stdio: 'ignore' });
  try {
    await sleep(300);
    const tree = treeRss([child.pid]);
    assert.equal(tree.processes, 3);
    assert.ok(tree.bytes > 0);
    const alone = treeRss([process.pid]);
    // this process, plus sh and its two sleeps below it
    assert.equal(alone.processes, 4);
    assert.ok(alone.bytes > tree.bytes);
  } finally {
    child.kill('SIGKILL');
  }
});

const canUnshare = spawnSync('unshare', ['-p', '-f', 'true']).status === 0;

test('treeRss leaves out processes in another PID namespace (a container\'s own work)', { skip: canUnshare ? false : 'unshare -p needs root' }, async () => {
  const child = spawn('unshare', ['-p', '-f', 'sh', '-c', 'sleep 30 & sleep 30 & wait'], { stdio: 'ignore' });
  try {
    await sleep(300);
    // unshare itself counts; the sh and sleeps it started in the new namespace do not.
    assert.equal(treeRss([child.pid]).processes, 1);
  } finally {
    child.kill('SIGKILL');
  }
});

test('the sampler keeps the peak of a process that grows, then lets go', async () => {
  const grow = 'const b = []; setTimeout(() => { for (let i = 0; i < 120; i++) b.push(Buffer.alloc(1 << 20, 1)); setTimeout(() => process.exit(0), 400); }, 300);';
  const child = spawn(process.execPath, ['-e', grow], { stdio: 'ignore' });
  const sampler = startMemorySampler(() => [child.pid]);
  await new Promise((resolve) => child.once('exit', resolve));
  const result = sampler.stop();
  assert.ok(result.samples >= 5, `${result.samples} samples`);
  assert.ok(result.firstBytes < 100e6, `first ${result.firstBytes}`);
  assert.ok(result.peakBytes > result.firstBytes + 100e6, `peak ${result.peakBytes}, first ${result.firstBytes}`);
});
