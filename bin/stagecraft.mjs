#!/usr/bin/env node
// Entry point. Runs the bundled CLI (dist/bundle/stagecraft.cjs, made by `npm run build`) through
// V8's code cache, kept beside the bundle, so a command does not spend its first 0.1-0.2 s parsing
// and compiling the program; falls back to the compiled modules in dist/cli/ when there is no
// bundle or STAGECRAFT_NO_BUNDLE=1 (stack traces then point at the compiled modules).
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const bundleDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bundle');
const bundle = join(bundleDir, 'stagecraft.cjs');
const codeCache = `${bundle}.v8cache`;

function startupFailure(err) {
  console.error('stagecraft: cannot start:', err && err.message ? err.message : err);
  console.error('hint: run `npm ci && npm run build` in the stagecraft checkout first');
  process.exit(70);
}

function readOrUndefined(path, encoding) {
  try {
    return readFileSync(path, encoding);
  } catch {
    return undefined;
  }
}

/** Loads the bundle with the code cache; undefined when there is no bundle. */
function loadBundle() {
  const source = readOrUndefined(bundle, 'utf8');
  if (source === undefined) return undefined;
  const cachedData = readOrUndefined(codeCache);
  const script = new Script(Module.wrap(source), { filename: bundle, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(bundle), module, bundle, bundleDir);
  return { main: module.exports.main, script, cachedBytes: cachedData && !script.cachedDataRejected ? cachedData.length : 0 };
}

/**
 * Keeps the code cache current. V8 compiles functions lazily, so a cache holds what the commands
 * run so far compiled: it is written when missing or stale, and once more after the first run of
 * each other command (recorded beside it) if that compiled more of the program. Best effort: a
 * read-only install just runs without it.
 */
function refreshCodeCache(script, cachedBytes, command) {
  const commandsFile = `${codeCache}.commands`;
  const known = cachedBytes > 0 ? (readOrUndefined(commandsFile, 'utf8') ?? '').split('\n') : [];
  if (cachedBytes > 0 && known.includes(command)) return;
  const temp = `${codeCache}.${process.pid}.tmp`;
  try {
    const data = script.createCachedData();
    if (data.length > cachedBytes * 1.05) {
      writeFileSync(temp, data);
      renameSync(temp, codeCache);
    }
    writeFileSync(commandsFile, [...known.filter((c) => c !== ''), command].join('\n'));
  } catch {
    rmSync(temp, { force: true });
  }
}

const argv = process.argv.slice(2);
let loaded;
if (process.env.STAGECRAFT_NO_BUNDLE !== '1') {
  try {
    loaded = loadBundle();
  } catch (err) {
    startupFailure(err);
  }
}
if (loaded === undefined) {
  import('../dist/cli/main.js').then((m) => m.main(argv)).catch(startupFailure);
} else {
  const { main, script, cachedBytes } = loaded;
  const command = argv.find((arg) => !arg.startsWith('-') && !arg.includes('/')) ?? '';
  main(argv).then(() => refreshCodeCache(script, cachedBytes, command));
}
