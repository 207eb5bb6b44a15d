// BuildKit as a benchmarked builder: the BuildKit inside Debian's dockerd 20.10 (BuildKit 0.8),
// driven by /usr/bin/docker 20.10 with DOCKER_BUILDKIT=1 (/usr/local/bin/docker 28.x refuses
// BuildKit builds without buildx). A private dockerd is started for the benchmark (dockerd.mjs).
//
// Cold: `docker builder prune -af` (every build cache record, including the context transfer
// cache) and the benchmark's own images removed; the base images stay loaded (unpacked in the
// overlay2 graph driver).
// Memory: the tree under dockerd (dockerd, containerd, shims, runc; not the containers' own
// processes) plus the docker CLI; it includes the daemon's size before the build (recorded).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dockerAnswers, startDockerd } from './dockerd.mjs';
import { parseBuildkitPlain } from './progress-parsers.mjs';
import { runChecked, runMeasured } from './run-measured.mjs';
import { removeTree } from './temp-dirs.mjs';

const DOCKER = '/usr/bin/docker';

export function createBuildkitBuilder({ tmp, basesArchive, baseImages, dockerHost, log }) {
  const dir = join(tmp, 'dockerd');
  let daemon;
  let env;
  const docker = (args, options = {}) => runChecked(DOCKER, args, { env, ...options });

  return {
    name: 'buildkit',
    label: 'BuildKit',
    async setup() {
      if (!existsSync(DOCKER)) return { ok: false, reason: `${DOCKER} is missing (Debian package docker.io)` };
      let host = dockerHost;
      if (host !== undefined) {
        if (!(await dockerAnswers(host))) return { ok: false, reason: `no dockerd answers at ${host}` };
        log(`BuildKit: using the dockerd at ${host} (its build cache will be pruned)`);
      } else {
        daemon = await startDockerd(dir);
        if (!daemon.ok) return { ok: false, reason: daemon.reason };
        host = daemon.host;
      }
      env = { ...process.env, DOCKER_HOST: host, DOCKER_BUILDKIT: '1', DOCKER_CONFIG: join(tmp, 'docker-cli') };
      await docker(['load', '-i', basesArchive]);
      for (const ref of baseImages) await docker(['image', 'inspect', '--format', '{{.Id}}', ref]);
      const version = (await docker(['version', '--format', '{{.Server.Version}}'])).stdout.trim();
      log(`BuildKit: dockerd ${version} ready, base images loaded`);
      return { ok: true, version: `dockerd ${version} (its vendored BuildKit), client ${DOCKER}` };
    },
    async reset() {
      await docker(['builder', 'prune', '-af']);
      const ours = (await docker(['images', '--format', '{{.Repository}}:{{.Tag}}', '--filter', 'reference=bench/*'])).stdout.split('\n').filter(Boolean);
      if (ours.length > 0) await docker(['image', 'rm', '-f', ...ours]);
      await docker(['image', 'prune', '-f']);
    },
    async build({ contextDir, tag }) {
      const run = await runMeasured(DOCKER, ['build', '--network', 'host', '--progress', 'plain', '-t', tag, contextDir], {
        tmp,
        env,
        extraRoots: () => (daemon?.pid === undefined ? [] : [daemon.pid]),
      });
      // GNU time only sees the docker CLI here; the builder is the daemon, measured by the sampler.
      return { run: { ...run, maxRssBytes: undefined }, progress: parseBuildkitPlain(run.stderr), log: run.stderr };
    },
    async teardown() {
      if (daemon?.ok === true) {
        await docker(['builder', 'prune', '-af'], { allowFailure: true });
        await daemon.stop();
      }
      await removeTree(dir);
      await removeTree(join(tmp, 'docker-cli'));
    },
  };
}
