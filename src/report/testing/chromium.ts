// Test helper: render a page in headless Chromium (Debian's `chromium`) and return its DOM.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The chromium binary on PATH, or undefined (tests skip with a message then). */
export function findChromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser']) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (found.status === 0 && found.stdout.trim() !== '') return found.stdout.trim();
  }
  return undefined;
}

/**
 * Opens a local HTML file in headless Chromium (no network: the page must not need any) and
 * returns the DOM after its scripts ran (`--dump-dom`).
 */
export function dumpDom(chromium: string, file: string, options: { width?: number; height?: number } = {}): string {
  const profile = mkdtempSync(join(tmpdir(), 'stagecraft-chromium-'));
  try {
    const result = spawnSync(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-extensions',
        '--disable-background-networking',
        `--user-data-dir=${profile}`,
        `--window-size=${String(options.width ?? 1280)},${String(options.height ?? 2000)}`,
        '--dump-dom',
        pathToFileURL(file).href,
      ],
      { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
    );
    if (result.status !== 0) throw new Error(`chromium exited with ${String(result.status)}: ${result.stderr.slice(-2000)}`);
    return result.stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The text content of every element matching `<tag ... class="cls" ...>text</tag>` (flat elements only). */
export function textsOf(dom: string, cls: string): string[] {
  const pattern = new RegExp(`<(\\w+)[^>]*class="[^"]*\\b${cls}\\b[^"]*"[^>]*>([^<]*)</\\1>`, 'g');
  return [...dom.matchAll(pattern)].map((m) => m[2] ?? '');
}

/** `data-bytes` of every element whose class list has `cls`. */
export function bytesOf(dom: string, cls: string): number[] {
  const pattern = new RegExp(`<\\w+[^>]*class="[^"]*\\b${cls}\\b[^"]*"[^>]*data-bytes="(\\d+)"|<\\w+[^>]*data-bytes="(\\d+)"[^>]*class="[^"]*\\b${cls}\\b`, 'g');
  return [...dom.matchAll(pattern)].map((m) => Number(m[1] ?? m[2]));
}
