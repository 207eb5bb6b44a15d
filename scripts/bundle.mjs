// Bundles the CLI into dist/bundle/ with esbuild (run by `npm run build`, after tsc).
//
// Why: Node's ES module loader spent 0.1-0.3 s resolving, reading and compiling ~450 compiled
// modules on every command, more than a cached rebuild's whole work. One CommonJS file can be
// compiled through vm.Script with V8's code cache (bin/stagecraft keeps it beside the bundle), which
// Node 20 cannot do for ES modules: a no-change rebuild of the seed demo went from ~0.40 s to ~0.20 s.
//
// - dist/bundle/stagecraft.cjs: the CLI (src/cli/main.ts and everything it loads, lazily loaded
//   commands included), exporting main(argv).
// - dist/bundle/run-supervisor.js: `run -d`'s supervisor, an ES module (it uses top-level await),
//   beside the CLI because `run` finds it relative to its own file.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

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

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: 'linked', logLevel: 'warning' };

await build({
  ...common,
  entryPoints: ['src/cli/main.ts'],
  outfile: `${outdir}/stagecraft.cjs`,
  format: 'cjs',
  plugins: [builtinImportsAsRequire],
  // import.meta does not exist in CommonJS: give the code its file's URL.
  define: { 'import.meta.url': '__stagecraftModuleUrl' },
  banner: { js: "const __stagecraftModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});

await build({
  ...common,
  entryPoints: ['src/cli/commands/run-supervisor.ts'],
  outfile: `${outdir}/run-supervisor.js`,
  format: 'esm',
  // tar-stream is CommonJS: its require() calls need a real require in an ES module.
  banner: { js: "import { createRequire as __stagecraftRequire } from 'node:module'; const require = __stagecraftRequire(import.meta.url);" },
});
