import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * stagecraft's version, from its package.json. Read when asked, not at module load (the start-up
 * snapshot would freeze anything read at load). The source, the compiled module (dist/cli/) and the
 * bundle (dist/bundle/) all sit two directories below the package root.
 */
export function stagecraftVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
