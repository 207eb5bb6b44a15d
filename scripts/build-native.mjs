// Compiles native/stagecraft-sys.c (mount, umount2 and xattr calls as a Node-API addon) into
// dist/native/stagecraft-sys.node; run by `npm run build`. It needs a C compiler and Node's headers
// (include/node beside the node binary, or under npm's `nodedir`), which a fresh machine of ours has.
// Where they are missing stagecraft still works, running mount(8), umount(8), getfattr and setfattr
// instead, so this only warns; under CI=true a failure fails the build, so the tests cover the addon.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

const source = 'native/stagecraft-sys.c';
const outDir = 'dist/native';
const out = join(outDir, 'stagecraft-sys.node');

const includeCandidates = [
  ...(process.env.npm_config_nodedir ? [join(process.env.npm_config_nodedir, 'include', 'node')] : []),
  join(dirname(process.execPath), '..', 'include', 'node'),
  '/usr/include/node',
  '/usr/local/include/node',
];
const include = includeCandidates.find((dir) => existsSync(join(dir, 'node_api.h')));

function fail(reason) {
  rmSync(out, { force: true });
  const message = `build-native: ${out} not built (${reason}); stagecraft will run mount, umount, getfattr and setfattr instead`;
  if (process.env.CI === 'true') {
    console.error(message);
    process.exit(1);
  }
  console.warn(message);
  process.exit(0);
}

if (process.platform !== 'linux') fail(`the addon is for Linux, this is ${process.platform}`);
if (include === undefined) fail(`no node_api.h in ${includeCandidates.join(', ')}`);
mkdirSync(outDir, { recursive: true });
const compiler = process.env.CC || 'cc';
const args = ['-O2', '-Wall', '-Wextra', '-Werror', '-shared', '-fPIC', '-DNODE_GYP_MODULE_NAME=stagecraft_sys', `-I${include}`, '-o', out, source];
const compiled = spawnSync(compiler, args, { encoding: 'utf8' });
if (compiled.error !== undefined) fail(`${compiler}: ${compiled.error.message}`);
if (compiled.status !== 0) fail(`${compiler} exited with ${String(compiled.status)}: ${compiled.stderr.trim().split('\n').slice(0, 5).join(' | ')}`);
