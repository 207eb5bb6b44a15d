// buildah as a benchmarked builder: `buildah bud --layers` with runc, host network, and its own
// storage (root and runroot in the benchmark's temp directory, overlay driver), so the machine's
// /var/lib/containers is never touched. `--pull=never`: base images come only from that storage.
//
// Cold: every image except the base images removed (`buildah rmi -f`, which takes the cached
// intermediate layers of `--layers` with them), and every working container (`buildah rm --all`);
// the base images stay, unpacked in the overlay storage.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseBuildahOutput } from './progress-parsers.mjs';
import { runChecked, runMeasured } from './run-measured.mjs';
import { removeTree } from './temp-dirs.mjs';

function findBuildah() {
  const which = spawnSync('sh', ['-c', 'command -v buildah'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : undefined;
}

export function createBuildahBuilder({ tmp, basesArchive, baseImages, log }) {
  const dir = join(tmp, 'buildah');
  const global = ['--root', join(dir, 'root'), '--runroot', join(dir, 'run'), '--storage-driver', 'overlay'];
  let bin;
  let baseIds = new Set();
  const buildah = (args, options = {}) => runChecked(bin, [...global, ...args], options);

  return {
    name: 'buildah',
    label: 'buildah',
    async setup() {
      bin = findBuildah();
      if (bin === undefined) return { ok: false, reason: 'buildah is not installed (apt-get install -y buildah)' };
      for (const ref of baseImages) {
        // buildah names an image from a docker-archive by its RepoTags as written (`node:18` ->
        // localhost/node:18); the docker.io name is added so FROM resolves as docker's would.
        const qualified = ref.includes('/') ? ref : `docker.io/library/${ref}`;
        const id = (await buildah(['pull', '--quiet', `docker-archive:${basesArchive}:${ref}`])).stdout.trim().split('\n').at(-1) ?? '';
        if (!/^[0-9a-f]{64}$/.test(id)) return { ok: false, reason: `buildah pull of ${ref} from the archive printed no image id` };
        await buildah(['tag', id, qualified]);
        baseIds.add(id);
      }
      const version = (await runChecked(bin, ['--version'])).stdout.trim();
      log(`buildah: storage ready, base images pulled from the archive`);
      return { ok: true, version };
    },
    async reset() {
      await buildah(['rm', '--all']);
      const all = (await buildah(['images', '--all', '--noheading', '--no-trunc', '--format', '{{.ID}}'])).stdout
        .split('\n')
        .map((id) => id.trim().replace(/^sha256:/, ''))
        .filter((id) => id !== '' && !baseIds.has(id));
      if (all.length > 0) await buildah(['rmi', '-f', ...new Set(all)], { allowFailure: true });
    },
    async build({ contextDir, tag }) {
      const args = [...global, 'bud', '--runtime', '/usr/sbin/runc', '--layers', '--network', 'host', '--pull=never', '-t', tag, contextDir];
      const run = await runMeasured(bin, args, { tmp });
      return { run, progress: parseBuildahOutput(run.stdout), log: run.stdout + run.stderr };
    },
    async teardown() {
      if (bin !== undefined) {
        await buildah(['rm', '--all'], { allowFailure: true });
        await buildah(['rmi', '--all', '--force'], { allowFailure: true });
      }
      await removeTree(dir);
      baseIds = new Set();
    },
  };
}
