import type { Advice, AdviceInput } from './advice-types.js';
import { bytesByLayer, resolveNode } from './file-tree.js';
import type { FileNode } from './types.js';

interface CacheRule {
  /** What the cache is. */
  readonly what: string;
  readonly fix: string;
}

const APT_LISTS: CacheRule = {
  what: 'apt package lists',
  fix: 'remove them in the RUN that ran `apt-get update`: `apt-get update && apt-get install -y ... && rm -rf /var/lib/apt/lists/*`',
};
const APT_CACHE: CacheRule = {
  what: 'apt download cache',
  fix: 'run `apt-get clean` in the same RUN as `apt-get install`, or mount it: `RUN --mount=type=cache,target=/var/cache/apt ...`',
};
const NPM_CACHE: CacheRule = {
  what: 'npm cache',
  fix: 'mount it instead of keeping it: `RUN --mount=type=cache,target=/root/.npm npm ci`, or `npm cache clean --force` in the same RUN',
};
const PIP_CACHE: CacheRule = { what: 'pip cache', fix: 'use `pip install --no-cache-dir`, or `RUN --mount=type=cache,target=/root/.cache/pip ...`' };
const YARN_CACHE: CacheRule = { what: 'yarn cache', fix: 'run `yarn cache clean` in the same RUN, or mount the cache with `RUN --mount=type=cache`' };
const GO_CACHE: CacheRule = { what: 'Go build cache', fix: 'mount it: `RUN --mount=type=cache,target=/root/.cache/go-build go build ...`, or build in an earlier stage' };
const APK_CACHE: CacheRule = { what: 'apk cache', fix: 'use `apk add --no-cache`' };
const USER_CACHE: CacheRule = { what: 'cache directory', fix: 'delete it in the same RUN that filled it, or mount it with `RUN --mount=type=cache`' };
const TMP: CacheRule = { what: 'temporary files', fix: 'delete them in the same RUN that wrote them (a later RUN cannot make the image smaller)' };

function cacheRuleFor(dirName: string): CacheRule {
  if (dirName === 'pip') return PIP_CACHE;
  if (dirName === 'yarn') return YARN_CACHE;
  if (dirName === 'go-build') return GO_CACHE;
  return USER_CACHE;
}

/** Home directories: /root and /home/*. */
function homes(root: FileNode): FileNode[] {
  const found: FileNode[] = [];
  const rootHome = resolveNode(root, '/root', { followLast: true });
  if (rootHome?.kind === 'dir') found.push(rootHome);
  const home = resolveNode(root, '/home', { followLast: true });
  for (const user of home?.children?.values() ?? []) if (user.kind === 'dir') found.push(user);
  return found;
}

/** Each cache location present in the image, with the rule that explains it. */
function cacheLocations(root: FileNode): Array<{ node: FileNode; rule: CacheRule }> {
  const found: Array<{ node: FileNode; rule: CacheRule }> = [];
  const add = (path: string, rule: CacheRule): void => {
    const node = resolveNode(root, path, { followLast: true });
    if (node?.kind === 'dir') found.push({ node, rule });
  };
  add('/var/lib/apt/lists', APT_LISTS);
  add('/var/cache/apt', APT_CACHE);
  add('/var/cache/apk', APK_CACHE);
  add('/usr/local/share/.cache/yarn', YARN_CACHE);
  for (const home of homes(root)) {
    const npm = home.children?.get('.npm');
    if (npm?.kind === 'dir') found.push({ node: npm, rule: NPM_CACHE });
    const cache = home.children?.get('.cache');
    for (const child of cache?.children?.values() ?? []) found.push({ node: child, rule: cacheRuleFor(child.name) });
  }
  for (const tmp of ['/tmp', '/var/tmp']) {
    const node = resolveNode(root, tmp, { followLast: true });
    for (const child of node?.children?.values() ?? []) found.push({ node: child, rule: TMP });
  }
  return found;
}

/**
 * The bytes under a node that layers above the base wrote, and which of those layers wrote most.
 */
export function ownBytes(node: FileNode, baseLayers: number): { bytes: number; layer: number } {
  let bytes = 0;
  let layer = node.layer;
  let best = -1;
  for (const [index, n] of bytesByLayer(node)) {
    if (index < baseLayers) continue;
    bytes += n;
    if (n > best || (n === best && index > layer)) {
      best = n;
      layer = index;
    }
  }
  return { bytes, layer };
}

/**
 * Package-manager caches and temporary files left in the image (apt lists and archives, npm, pip,
 * yarn, Go build caches, ~/.cache, /tmp): each at least `minBytes`, in a layer of this image rather
 * than of its base.
 */
export function adviseCaches(input: AdviceInput, minBytes: number): Advice[] {
  const { fs } = input;
  const baseLayers = input.base?.layers ?? 0;
  const advice: Advice[] = [];
  for (const { node, rule } of cacheLocations(fs.root)) {
    const own = ownBytes(node, baseLayers);
    if (own.bytes < minBytes) continue;
    const layer = own.layer;
    const createdBy = fs.layers[layer]?.createdBy;
    advice.push({
      kind: 'package-cache',
      title: `${rule.what} left in the image (${String(node.files)} files)`,
      path: node.path,
      layer,
      ...(createdBy !== undefined ? { createdBy } : {}),
      bytes: own.bytes,
      fix: rule.fix,
    });
  }
  return advice;
}
