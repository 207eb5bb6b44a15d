import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bootstrapBaseImages, findDebianMirror } from '../../src/bootstrap/index.js';
import { appendLayers, checkTarEntries } from '../../src/image/index.js';
import { bufferLayer, makeTar } from '../../src/image/test-fixtures.js';
import { MediaType } from '../../src/oci/index.js';
import {
  analyzeImage,
  buildReportData,
  compareFileSystems,
  formatBytes,
  readImageFileSystem,
  renderCompareText,
  renderDuText,
  renderReportHtml,
  summarizeDu,
} from '../../src/report/index.js';
import type { AnalyzedImage } from '../../src/report/index.js';
import { bytesOf, dumpDom, findChromium, textsOf } from '../../src/report/testing/chromium.js';
import { file, text } from '../../src/report/testing/synthetic-image.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { sharedTestRoot } from '../support/test-store-root.js';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasDebootstrap = spawnSync('sh', ['-c', 'command -v debootstrap']).status === 0;
const mirror = await findDebianMirror();
const reason = !isRoot ? 'not root' : !hasDebootstrap ? 'debootstrap is not installed' : mirror === undefined ? 'no Debian mirror in /etc/apt' : undefined;
if (reason !== undefined) console.warn(`report integration tests skipped: ${reason}`);
const chromium = findChromium();
if (reason === undefined && chromium === undefined) console.warn("report HTML check skipped: Debian's `chromium` is not installed");

const MB = 1_000_000;
let store: Store;
let full: AnalyzedImage;
let slim: AnalyzedImage;

describe.skipIf(reason !== undefined)('report on the bootstrapped node:18 and node:18-slim (real Debian packages)', () => {
  beforeAll(async () => {
    store = await openStore(sharedTestRoot());
    await bootstrapBaseImages(store, { names: ['node:18', 'node:18-slim'] });
    full = await analyzeImage(store, 'node:18');
    slim = await analyzeImage(store, 'node:18-slim');
  }, 900_000);

  it('counts the same content bytes per layer as the tar checker does', async () => {
    for (const analyzed of [full, slim]) {
      const layers = await (await store.getImage(analyzed.name)).layers();
      for (const [i, layer] of layers.entries()) {
        const summary = await checkTarEntries(await layer.openUncompressed(), { source: `${analyzed.name} layer ${String(i)}` });
        expect(analyzed.fs.layers[i]?.addedBytes).toBe(summary.contentBytes);
      }
      expect(analyzed.fs.totalBytes).toBe(analyzed.fs.addedBytes - analyzed.fs.wastedBytes);
    }
  });

  it('compare finds npm and its dependencies, and Debian packages like npm only in node:18', () => {
    const report = compareFileSystems(full, slim);
    expect(report.layers[0]?.shared).toBe(true);
    expect(report.layers[1]?.shared).toBe(false);
    expect(report.a.totalBytes - report.b.totalBytes).toBeGreaterThan(50 * MB);
    const npm = report.debian.onlyInA.find((g) => g.root === 'npm');
    expect(npm).toBeDefined();
    const names = (npm?.packages ?? []).map((p) => p.name);
    expect(names[0]).toBe('npm');
    expect(names.length).toBeGreaterThan(50);
    expect(names.filter((n) => n.startsWith('node-')).length).toBeGreaterThan(30);
    expect(npm?.measuredBytes).toBeGreaterThan(50 * MB);
    // dpkg's Installed-Size estimates and what the files take agree to within a third.
    expect((npm?.measuredBytes ?? 0) / (npm?.installedBytes ?? 1)).toBeGreaterThan(0.66);
    expect((npm?.measuredBytes ?? 0) / (npm?.installedBytes ?? 1)).toBeLessThan(1.5);
    expect(report.debian.onlyInB).toEqual([]);
    expect(report.debian.packagesA - report.debian.packagesB).toBe(report.debian.onlyInA.reduce((s, g) => s + g.packages.length, 0));
    expect(report.paths.onlyInA.some((d) => d.path.startsWith('/usr/share/nodejs') || d.path === '/usr/share')).toBe(true);
    expect(report.paths.onlyInB).toEqual([]);
    const out = renderCompareText(report);
    expect(out).toMatch(/npm and its dependencies\s+\d+\s+\d+(\.\d+)? MB/);
    console.log(out);
  });

  it('du shows where node:18 keeps its bytes and which layer wrote them', () => {
    const du = summarizeDu(full.fs, { depth: 2, top: 5 });
    expect(du.rows[1]?.path).toBe('/usr');
    expect(du.rows[1]?.bytes).toBeGreaterThan(0.9 * full.fs.totalBytes);
    const nodejs = summarizeDu(full.fs, { path: '/usr/share/nodejs', depth: 0 });
    expect(nodejs.rows[0]?.layer).toBe(1);
    expect(nodejs.rows[0]?.layers).toEqual([{ layer: 1, bytes: nodejs.bytes }]);
    expect(full.fs.efficiency.score).toBeGreaterThan(0.9);
    console.log(renderDuText('node:18', du));
  });

  it('advises on an app built on node:18: devDependencies, the slim base, the npm cache', async () => {
    const manifest = JSON.stringify({ name: 'demo', dependencies: { express: '4' }, devDependencies: { typescript: '5', eslint: '8' } });
    const appLayer = bufferLayer(
      await makeTar([
        text('app/package.json', manifest),
        text('app/server.js', 'console.log("hi")\n'),
        file('app/node_modules/express/index.js', 200_000),
        file('app/node_modules/typescript/lib/tsc.js', 3_000_000),
        file('app/node_modules/eslint/lib/api.js', 1_500_000),
        file('root/.npm/_cacache/content-v2/sha512/aa', 2_000_000),
      ]),
      MediaType.ociLayer,
    );
    const image = appendLayers(await store.getImage('node:18'), [appLayer], { history: [{ created_by: 'RUN npm install' }] });
    const analyzed = await analyzeImage(store, { name: 'demo', image }, { advice: true });
    expect(analyzed.base).toEqual({ name: 'node:18', layers: 2 });
    expect(analyzed.slim).toEqual({ name: 'node:18-slim', totalBytes: slim.fs.totalBytes });
    const byKind = new Map((analyzed.advice ?? []).map((a) => [a.kind, a]));
    expect(byKind.get('slim-base')?.bytes).toBe(full.fs.totalBytes - slim.fs.totalBytes);
    expect(byKind.get('dev-dependencies')).toMatchObject({ path: '/app/node_modules', layer: 2, bytes: 4_500_000 });
    expect(byKind.get('package-cache')).toMatchObject({ path: '/root/.npm', layer: 2, bytes: 2_000_000 });
    expect([...byKind.keys()].sort()).toEqual(['dev-dependencies', 'package-cache', 'slim-base']);
  });

  it.skipIf(chromium === undefined)('renders the HTML report with the expected totals in headless Chromium', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stagecraft-report-node-'));
    try {
      const path = join(dir, 'report.html');
      await writeFile(path, renderReportHtml(buildReportData([full, slim])));
      const dom = dumpDom(chromium ?? 'chromium', path);
      expect(bytesOf(dom, 'total')).toEqual([full.fs.totalBytes, slim.fs.totalBytes, full.fs.totalBytes, slim.fs.totalBytes]);
      expect(textsOf(dom, 'total').slice(0, 2)).toEqual([formatBytes(full.fs.totalBytes), formatBytes(slim.fs.totalBytes)]);
      expect(textsOf(dom, 'deb-group')).toContain('npm and its dependencies');
      expect((dom.match(/class="tm-node/g) ?? []).length).toBeGreaterThan(200);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe.skipIf(reason !== undefined)('hashing does not change the measurements', () => {
  it('gives the same totals with and without content hashes', async () => {
    const s = await openStore(sharedTestRoot());
    const image = await s.getImage('node:18-slim');
    const [plain, hashed] = [await readImageFileSystem(image), await readImageFileSystem(image, { hash: true })];
    expect(hashed.totalBytes).toBe(plain.totalBytes);
    expect(hashed.layers.map((l) => l.addedBytes)).toEqual(plain.layers.map((l) => l.addedBytes));
  }, 300_000);
});
