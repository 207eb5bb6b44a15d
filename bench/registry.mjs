// Registry benchmark: push and pull of a ~500 MB image (random, incompressible layers) against
// Debian's docker-registry on 127.0.0.1, stagecraft side by side with `skopeo copy` doing the same.
// Prints wall time, the ratio and each process's peak memory (RSS, from GNU time).
//
//   npm run build && node bench/registry.mjs [--layers 5] [--layer-mb 100] [--runs 1]
//
// stagecraft pushes from its store (as `stagecraft push` does) and pulls into an empty store;
// skopeo copies from an OCI layout directory and into an empty one. Each push goes to a fresh
// registry, so no blob is already there; both pulls read the same image.
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist');
const run = promisify(execFile);

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

// ---------- worker mode: one stagecraft operation in its own process (for its peak RSS) ----------

async function worker([op, storeRoot, ref]) {
  const { openStore } = await import(join(dist, 'store', 'index.js'));
  const { pushImage, pullImage } = await import(join(dist, 'registry', 'index.js'));
  const { parseReference } = await import(join(dist, 'oci', 'reference.js'));
  const store = await openStore(storeRoot);
  const parsed = parseReference(ref);
  if (op === 'push') await pushImage(await store.getImage(parsed.toString()), parsed);
  else await pullImage(parsed, { store });
}

// ---------- the image: random tar layers written as an OCI layout ----------

function tarHeader(name, size) {
  const h = Buffer.alloc(512);
  const field = (offset, length, value) => h.write(value, offset, length, 'ascii');
  field(0, 100, name);
  field(100, 8, '0000644\0');
  field(108, 8, '0000000\0');
  field(116, 8, '0000000\0');
  field(124, 12, size.toString(8).padStart(11, '0') + '\0');
  field(136, 12, '00000000000\0');
  field(148, 8, '        ');
  field(156, 1, '0');
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  let sum = 0;
  for (const byte of h) sum += byte;
  field(148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

async function writeBlobFile(layout, produce) {
  const temp = join(layout, 'blobs', 'tmp-' + randomBytes(6).toString('hex'));
  const hash = createHash('sha256');
  const out = createWriteStream(temp);
  let size = 0;
  const write = (chunk) => {
    hash.update(chunk);
    size += chunk.length;
    return out.write(chunk) ? Promise.resolve() : new Promise((resolve) => out.once('drain', resolve));
  };
  await produce(write);
  await new Promise((resolve, reject) => out.end((err) => (err ? reject(err) : resolve())));
  const hex = hash.digest('hex');
  await rename(temp, join(layout, 'blobs', 'sha256', hex));
  return { digest: `sha256:${hex}`, size };
}

async function makeLayout(layout, layers, layerBytes) {
  await mkdir(join(layout, 'blobs', 'sha256'), { recursive: true });
  const descriptors = [];
  for (let i = 0; i < layers; i++) {
    const blob = await writeBlobFile(layout, async (write) => {
      await write(tarHeader(`layer${i}.bin`, layerBytes));
      for (let done = 0; done < layerBytes; done += 1 << 20) await write(randomBytes(Math.min(1 << 20, layerBytes - done)));
      const pad = (512 - (layerBytes % 512)) % 512;
      await write(Buffer.alloc(pad + 1024));
    });
    descriptors.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...blob });
  }
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Cmd: ['sh'] }, rootfs: { type: 'layers', diff_ids: descriptors.map((d) => d.digest) } }));
  const configBlob = await writeBlobFile(layout, (write) => write(config));
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...configBlob }, layers: descriptors }));
  const manifestBlob = await writeBlobFile(layout, (write) => write(manifest));
  await writeFile(join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  await writeFile(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifestBlob, annotations: { 'org.opencontainers.image.ref.name': 'bench' } }] }));
  return { descriptors, config, configDigest: configBlob.digest, manifest, digest: manifestBlob.digest };
}

async function loadIntoStore(storeRoot, layout, built, ref) {
  const { openStore } = await import(join(dist, 'store', 'index.js'));
  const { imageFromParts, layerFromBlobs } = await import(join(dist, 'image', 'index.js'));
  const layers = built.descriptors.map((d) =>
    layerFromBlobs({ mediaType: d.mediaType, digest: d.digest, size: d.size, diffId: d.digest, open: async () => createReadStream(join(layout, 'blobs', 'sha256', d.digest.slice(7))) }),
  );
  const image = imageFromParts({ config: built.config, layers });
  if ((await image.digest()) !== built.digest) throw new Error('the store image does not match the layout manifest');
  const store = await openStore(storeRoot);
  await store.putImage(image, { tags: [ref] });
}

// ---------- a real registry ----------

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startRegistry(dir) {
  const host = `127.0.0.1:${await freePort()}`;
  const config = join(dir, `registry-${host.split(':')[1]}.yml`);
  await writeFile(config, `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'storage-' + host.split(':')[1])}\nhttp:\n  addr: ${host}\n`);
  const child = spawn('/usr/bin/docker-registry', ['serve', config], { stdio: 'ignore' });
  for (let i = 0; i < 300; i++) {
    try {
      const r = await fetch(`http://${host}/v2/`);
      if (r.status === 200) return { host, stop: () => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM'); }) };
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error('docker-registry did not start');
}

// ---------- measuring ----------

async function measure(command, args) {
  const { stderr } = await run('/usr/bin/time', ['-f', 'BENCH %e %M', command, ...args], { maxBuffer: 64 << 20 });
  const line = stderr.split('\n').find((l) => l.startsWith('BENCH '));
  if (line === undefined) throw new Error(`no timing from ${command}: ${stderr}`);
  const [, seconds, kb] = line.split(' ');
  return { seconds: Number(seconds), rssMb: Number(kb) / 1024 };
}

const stagecraft = (args) => measure(process.execPath, [fileURLToPath(import.meta.url), '--worker', ...args]);
const skopeo = (args) => measure('skopeo', ['copy', '--quiet', ...args]);

function best(results) {
  return results.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

async function main() {
  const layers = option('layers', 5);
  const layerMb = option('layer-mb', 100);
  const runs = option('runs', 1);
  const dir = await mkdtemp(join(tmpdir(), 'bench-registry-'));
  try {
    const layout = join(dir, 'layout');
    const started = Date.now();
    const built = await makeLayout(layout, layers, layerMb * 1024 * 1024);
    const total = built.descriptors.reduce((n, d) => n + d.size, 0);
    console.log(`image: ${layers} layers, ${(total / 1e6).toFixed(0)} MB (made in ${((Date.now() - started) / 1000).toFixed(1)} s), manifest ${built.digest}`);
    const sourceRoot = join(dir, 'source-store');
    await loadIntoStore(sourceRoot, layout, built, 'bench.local/bench:v1');

    const push = { ours: [], skopeo: [] };
    const pull = { ours: [], skopeo: [] };
    for (let r = 0; r < runs; r++) {
      // push: each tool into a registry of its own, empty
      const a = await startRegistry(dir);
      const refA = `${a.host}/bench/app:v1`;
      const { openStore } = await import(join(dist, 'store', 'index.js'));
      await (await openStore(sourceRoot)).tag('bench.local/bench:v1', refA);
      push.ours.push(await stagecraft(['push', sourceRoot, refA]));
      const b = await startRegistry(dir);
      push.skopeo.push(await skopeo(['--dest-tls-verify=false', `oci:${layout}:bench`, `docker://${b.host}/bench/app:v1`]));
      await b.stop();
      // pull: both from registry a, into empty destinations
      const target = join(dir, `pull-store-${r}`);
      pull.ours.push(await stagecraft(['pull', target, refA]));
      const ociTarget = join(dir, `pull-oci-${r}`);
      pull.skopeo.push(await skopeo(['--src-tls-verify=false', `docker://${refA}`, `oci:${ociTarget}:bench`]));
      const { stdout } = await run('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${refA}`]);
      if (`sha256:${createHash('sha256').update(stdout).digest('hex')}` !== built.digest) throw new Error('the registry serves another manifest than we pushed');
      await a.stop();
      await rm(target, { recursive: true, force: true });
      await rm(ociTarget, { recursive: true, force: true });
    }
    const rows = [
      ['push', best(push.ours), best(push.skopeo)],
      ['pull', best(pull.ours), best(pull.skopeo)],
    ];
    console.log(`\n${'op'.padEnd(6)}${'stagecraft s'.padStart(14)}${'skopeo s'.padStart(10)}${'ratio'.padStart(8)}${'stagecraft RSS MB'.padStart(19)}${'skopeo RSS MB'.padStart(15)}${'MB/s (ours)'.padStart(13)}`);
    for (const [op, ours, theirs] of rows) {
      console.log(
        `${op.padEnd(6)}${ours.seconds.toFixed(2).padStart(14)}${theirs.seconds.toFixed(2).padStart(10)}${(ours.seconds / theirs.seconds).toFixed(2).padStart(8)}${ours.rssMb.toFixed(0).padStart(19)}${theirs.rssMb.toFixed(0).padStart(15)}${(total / 1e6 / ours.seconds).toFixed(0).padStart(13)}`,
      );
    }
    console.log(`(best of ${runs}; ratio = stagecraft / skopeo, lower is better)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--worker') await worker(process.argv.slice(3));
else await main();
