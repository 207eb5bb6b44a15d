import { describe, expect, it } from 'vitest';
import { IMAGE_ID, twoStageBuild } from '../../events/testing/recorded-builds.js';
import { createProgressRenderer } from './create-renderer.js';
import type { ProgressMode } from './mode.js';
import { captureOutput } from './testing/capture.js';

async function run(mode: ProgressMode, isTTY: boolean, env: Record<string, string> = {}) {
  const stdout = captureOutput();
  const stderr = captureOutput();
  const renderer = createProgressRenderer(mode, { stdout: stdout.output, stderr: stderr.output, isTTY, columns: 80, rows: 30, env, now: () => 5000 });
  for (const event of twoStageBuild()) renderer.sink(event);
  await renderer.finish();
  return { mode: renderer.mode, stdout: stdout.text(), stderr: stderr.text() };
}

describe('createProgressRenderer', () => {
  it('auto on a terminal: the live view on stderr, nothing on stdout', async () => {
    const result = await run('auto', true, { TERM: 'xterm' });
    expect(result.mode).toBe('tty');
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('[+] Building 4.9s (6/6) FINISHED');
    expect(result.stderr).toContain('\x1b[34m => [builder 3/3] RUN npm install');
  });

  it('NO_COLOR keeps the live view but drops the colours', async () => {
    const result = await run('tty', true, { NO_COLOR: '1' });
    expect(result.stderr).toContain('\n => [builder 3/3] RUN npm install');
    expect(result.stderr).not.toContain('\x1b[34m');
  });

  it('auto in CI: plain lines on stderr', async () => {
    const result = await run('auto', true, { CI: 'true' });
    expect(result.mode).toBe('plain');
    expect(result.stdout).toBe('');
    expect(result.stderr.startsWith('#1 [builder 1/3] FROM docker.io/library/node:18\n#1 DONE 0.0s\n')).toBe(true);
  });

  it('json: events on stdout, nothing on stderr', async () => {
    const result = await run('json', false);
    expect(result.mode).toBe('json');
    expect(result.stderr).toBe('');
    expect(result.stdout.trim().split('\n')).toHaveLength(twoStageBuild().length);
  });

  it('quiet: the image id on stdout only', async () => {
    const result = await run('quiet', true);
    expect(result).toEqual({ mode: 'quiet', stdout: `${IMAGE_ID}\n`, stderr: '' });
  });
});
