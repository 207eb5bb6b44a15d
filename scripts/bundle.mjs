// Bundles the CLI into dist/bundle/ with esbuild (run by `npm run build`, after tsc).
//
// Why: Node's ES module loader spent 0.1-0.3 s resolving, reading and compiling ~450 compiled
// modules on every command, more than a cached rebuild's whole work. One CommonJS file can be
// compiled through vm.Script with V8's code cache (bin/stagecraft.mjs keeps it beside the bundle),
// which Node 20 cannot do for ES modules: a no-change rebuild of the seed demo went from ~0.40 s to
// ~0.20 s. A V8 start-up snapshot of the same program (dist/bundle/stagecraft.blob, which the
// bin/stagecraft launcher prefers) saves the rest of the initialisation: on a quiet machine a
// no-change rebuild took 0.23 s against 0.26 s through the code cache (median of 21 each).
//
// - dist/bundle/stagecraft.cjs: the CLI (src/cli/main.ts and everything it loads, lazily loaded
//   commands included), exporting main(argv).
// - dist/bundle/run-supervisor.js: `run -d`'s supervisor, an ES module (it uses top-level await),
//   beside the CLI because `run` finds it relative to its own file.
// - dist/bundle/stagecraft.blob (+ .node, the node binary that made it): the start-up snapshot.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';

const outdir = 'dist/bundle';
rmSync(outdir, { recursive: true, force: true });
/**
 * A CommonJS bundle runs through vm.Script, which has no loader for import(): the `import('node:x')`
 * calls that stay after bundling become require() of that built-in.
 */
const builtinImportsAsRequire = {
  name: 'builtin-imports-as-require',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^node:/, namespace: 'file' }, (args) =>
      args.kind === 'dynamic-import' ? { path: args.path, namespace: 'builtin-require' } : undefined);
    pluginBuild.onLoad({ filter: /.*/, namespace: 'builtin-require' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * import.meta does not exist in CommonJS: give the code its file's URL, read when used (in the
 * snapshot, __filename is where the blob was made; snapshot-entry.ts says where it runs from).
 */
const moduleUrlShim = {
  define: { 'import.meta.url': '__stagecraftModule.url' },
  banner: {
    js: "const __stagecraftModule = { get url() { return require('node:url').pathToFileURL(globalThis.__stagecraftBundleFile ?? __filename).href; } };",
  },
};

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: 'linked', logLevel: 'warning' };

await build({
  ...common,
  entryPoints: ['src/cli/main.ts'],
  outfile: `${outdir}/stagecraft.cjs`,
  format: 'cjs',
  plugins: [builtinImportsAsRequire],
  ...moduleUrlShim,
});

await build({
  ...common,
  entryPoints: ['src/cli/commands/run-supervisor.ts'],
  outfile: `${outdir}/run-supervisor.js`,
  format: 'esm',
  // tar-stream is CommonJS: its require() calls need a real require in an ES module.
  banner: { js: "import { createRequire as __stagecraftRequire } from 'node:module'; const require = __stagecraftRequire(import.meta.url);" },
});

// The start-up snapshot (see src/cli/snapshot-entry.ts): the same program, initialised, in a heap
// image for this node binary. bin/stagecraft uses it only with the node recorded beside it; where it
// cannot be made (a node without --build-snapshot), the bundle above is used.
const snapshotEntry = `${outdir}/snapshot-entry.cjs`;
const blob = `${outdir}/stagecraft.blob`;
await build({ ...common, sourcemap: false, entryPoints: ['src/cli/snapshot-entry.ts'], outfile: snapshotEntry, format: 'cjs', plugins: [builtinImportsAsRequire], ...moduleUrlShim });
const made = spawnSync(process.execPath, ['--no-warnings', '--snapshot-blob', blob, '--build-snapshot', snapshotEntry], { encoding: 'utf8' });
rmSync(snapshotEntry, { force: true });
if (made.status === 0) {
  writeFileSync(`${blob}.node`, `${process.execPath}\n`);
  // the warm-up's complaints (src/cli/snapshot-warmup.ts): the snapshot works, only slower to run
  if (made.stderr.trim() !== '') console.warn(made.stderr.trim());
} else {
  rmSync(blob, { force: true });
  console.warn(`bundle: no start-up snapshot (node ${process.version}): ${(made.stderr || made.error?.message || '').trim().split('\n')[0]}`);
}
