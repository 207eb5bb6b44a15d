import { describe, expect, it } from 'vitest';
import { capabilitiesFromMask, hardNofileFromLimits, readHostLimits } from './host-limits.js';
import { ALL_CAPABILITIES, DEFAULT_CAPABILITIES } from './spec-defaults.js';

describe('capabilitiesFromMask', () => {
  it.each([
    { mask: '0000000000000000', caps: [] },
    { mask: '0000000000000001', caps: ['CAP_CHOWN'] },
    // docker's default bounding set, as /proc/PID/status shows it inside a default container
    { mask: '00000000a80425fb', caps: [...DEFAULT_CAPABILITIES].sort() },
    { mask: '000001ffffffffff', caps: [...ALL_CAPABILITIES].sort() },
    { mask: '000001fffeffffff', caps: ALL_CAPABILITIES.filter((c) => c !== 'CAP_SYS_RESOURCE').sort() },
  ])('$mask', ({ mask, caps }) => {
    expect(capabilitiesFromMask(mask).sort()).toEqual(caps);
  });
});

describe('hardNofileFromLimits', () => {
  const limits = (line: string) =>
    `Limit                     Soft Limit           Hard Limit           Units     \nMax processes             unlimited            unlimited            processes \n${line}\n`;
  it.each([
    { line: 'Max open files            1024                 524288               files     ', hard: 524288 },
    { line: 'Max open files            20000                20000                files     ', hard: 20000 },
    { line: 'Max open files            unlimited            unlimited            files     ', hard: Number.POSITIVE_INFINITY },
    { line: '', hard: undefined },
  ])('$line → $hard', ({ line, hard }) => {
    expect(hardNofileFromLimits(limits(line))).toBe(hard);
  });
});

describe('readHostLimits', () => {
  it('never offers more than 1048576 open files, nor capabilities it does not know', async () => {
    const limits = await readHostLimits();
    expect(limits.nofile).toBeGreaterThan(0);
    expect(limits.nofile).toBeLessThanOrEqual(1048576);
    for (const cap of limits.capabilities) expect(ALL_CAPABILITIES).toContain(cap);
  });
});
