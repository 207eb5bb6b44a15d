import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * A state directory shared by the integration tests of one checkout (`.stagecraft/test-root`,
 * git-ignored, or $STAGECRAFT_TEST_ROOT), so slow inputs such as bootstrapped base images are made
 * once per machine rather than once per test file.
 */
export function sharedTestRoot(): string {
  const root = process.env['STAGECRAFT_TEST_ROOT'] ?? join(resolve(import.meta.dirname, '..', '..'), '.stagecraft', 'test-root');
  mkdirSync(root, { recursive: true });
  return root;
}
