import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adviseImage, buildReportData, formatBytes, readImageFileSystem, renderReportHtml } from '../src/report/index.js';
import type { ImageFileSystem } from '../src/report/index.js';
import { bytesOf, dumpDom, findChromium, textsOf } from '../src/report/testing/chromium.js';
import { file, syntheticImage, whiteout } from '../src/report/testing/synthetic-image.js';

const chromium = findChromium();
if (chromium === undefined) {
  console.warn('HTML report test skipped: Debian\'s `chromium` is not installed (apt-get install -y chromium; scripts/setup.sh should install it)');
}

let dir: string;
let full: ImageFileSystem;
let slim: ImageFileSystem;
let dom = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stagecraft-report-html-'));
  const base = { createdBy: 'debootstrap --variant=minbase bookworm', entries: [file('usr/bin/sh', 120_000), file('etc/passwd', 1_500)] };
  full = await readImageFileSystem(
    await syntheticImage([
      base,
      { createdBy: '/bin/sh -c apt-get install nodejs npm', entries: [file('usr/bin/node', 900_000), file('usr/share/nodejs/npm/cli.js', 350_000), file('var/lib/apt/lists/p', 400_000), file('tmp/x', 150_000)] },
      { createdBy: '/bin/sh -c rm /tmp/x', entries: [whiteout('tmp/x')] },
    ]),
    { hash: true },
  );
  slim = await readImageFileSystem(await syntheticImage([base, { createdBy: '/bin/sh -c apt-get install nodejs', entries: [file('usr/bin/node', 900_000)] }]), { hash: true });
  const data = buildReportData(
    [
      { name: 'node:18', fs: full, advice: adviseImage({ fs: full, base: { name: 'debian', layers: 1 } }) },
      { name: 'node:18-slim', fs: slim, advice: adviseImage({ fs: slim }) },
    ],
    { generatedAt: '2024-05-06T07:08:09Z' },
  );
  const path = join(dir, 'report.html');
  await writeFile(path, renderReportHtml(data));
  if (chromium !== undefined) dom = dumpDom(chromium, path);
}, 180_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(chromium === undefined)('the HTML report in headless Chromium', () => {
  it('ran its script', () => {
    expect(dom).toContain('data-rendered="true"');
    expect(dom).toContain('generated 2024-05-06T07:08:09Z by stagecraft');
  });

  it('shows the expected totals for each image and their difference', () => {
    expect(full.totalBytes).toBe(120_000 + 1_500 + 900_000 + 350_000 + 400_000);
    expect(slim.totalBytes).toBe(120_000 + 1_500 + 900_000);
    // The comparison's two totals, then each image's own section.
    expect(bytesOf(dom, 'total')).toEqual([full.totalBytes, slim.totalBytes, full.totalBytes, slim.totalBytes]);
    expect(textsOf(dom, 'total')).toEqual([formatBytes(full.totalBytes), formatBytes(slim.totalBytes), '1.77 MB', '1.02 MB']);
    expect(textsOf(dom, 'difference')).toEqual(['+750 kB']);
    expect(textsOf(dom, 'wasted')).toEqual(['150 kB', '0 B']);
  });

  it('draws per-layer bars and a legend with each layer\'s command', () => {
    expect(bytesOf(dom, 'layer-bytes')).toEqual([121_500, 1_800_000, 0, 121_500, 900_000]);
    expect(dom).toContain('#1 apt-get install nodejs npm');
    expect(dom).toContain('#2 rm /tmp/x');
  });

  it('draws a treemap of each file system, boxes sized by bytes', () => {
    const boxes = [...dom.matchAll(/<div class="tm-node[^"]*"[^>]*data-path="([^"]*)" data-bytes="(\d+)" style="[^"]*width: ([\d.]+)px; height: ([\d.]+)px;/g)].map((m) => ({
      path: m[1] ?? '',
      bytes: Number(m[2]),
      area: Number(m[3]) * Number(m[4]),
    }));
    expect(boxes.length).toBeGreaterThan(10);
    const node = boxes.find((b) => b.path === '/usr/bin/node');
    const cli = boxes.find((b) => b.path === '/usr/share/nodejs/npm/cli.js');
    expect(node?.bytes).toBe(900_000);
    expect(cli?.bytes).toBe(350_000);
    // Nested boxes lose a little to borders and labels; the ratio of areas stays near the ratio of sizes.
    expect((node?.area ?? 0) / (cli?.area ?? 1)).toBeGreaterThan(1.6);
    expect((node?.area ?? 0) / (cli?.area ?? 1)).toBeLessThan(4);
  });

  it('shows the comparison and the advice', () => {
    expect(dom).toContain('node:18 compared with node:18-slim');
    expect(dom).toMatch(/<span class="shared">shared<\/span>/);
    expect(dom).toMatch(/data-kind="package-cache"/);
    expect(dom).toMatch(/data-kind="deleted-later"/);
    expect(dom).toContain('saves 400 kB');
  });
});
