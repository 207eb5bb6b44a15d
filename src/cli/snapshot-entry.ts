// The CLI as a V8 start-up snapshot (scripts/bundle.mjs bundles this file and runs
// `node --snapshot-blob dist/bundle/stagecraft.blob --build-snapshot` on it; bin/stagecraft starts
// node with that blob when it matches the node on PATH).
//
// Why: even through the code cache, a command spent ~60-90 ms reading and compiling the bundle and
// initialising its modules and node's built-ins before any work; a snapshot restores that heap
// already initialised. Everything the commands load lazily is imported here, so it is initialised
// in the snapshot too. Module initialisation in stagecraft only defines functions and constants (no
// reads of the environment, the clock or the terminal at load time), which is what makes this safe:
// anything read at load time would be frozen at `npm run build`.
import { startupSnapshot } from 'node:v8';
import { join } from 'node:path';
import * as bootstrap from '../bootstrap/index.js';
import * as container from '../container/index.js';
import * as context from '../context/index.js';
import * as instructions from '../dockerfile/instructions/index.js';
import * as lint from '../dockerfile/lint/index.js';
import * as syntax from '../dockerfile/syntax/index.js';
import * as errors from '../errors/index.js';
import * as exporters from '../export/index.js';
import * as image from '../image/index.js';
import * as oci from '../oci/index.js';
import * as plan from '../plan/index.js';
import * as report from '../report/index.js';
import * as runtime from '../runtime/index.js';
import * as executeCopy from '../solve/execute-copy.js';
import * as executeRun from '../solve/execute-run.js';
import * as solve from '../solve/index.js';
import * as store from '../store/index.js';
import * as allowOptions from './build-allow-options.js';
import * as contextOptions from './build-context-options.js';
import * as secretOptions from './build-secret-options.js';
import * as imagesCommand from './commands/images.js';
import * as reportCommand from './commands/report.js';
import { main } from './main.js';
import * as progress from './progress/index.js';
import * as pruneReport from './prune-report.js';
import * as reportError from './report-error.js';
import * as stateRoot from './state-root.js';
import { warmUpForSnapshot } from './snapshot-warmup.js';

/** Referenced so the bundler keeps (and the snapshot initialises) every lazily loaded module. */
const preloaded = [
  bootstrap, container, context, instructions, lint, syntax, errors, exporters, image, oci, plan,
  report, runtime, executeCopy, executeRun, solve, store, allowOptions, contextOptions, secretOptions,
  imagesCommand, reportCommand, progress, pruneReport, reportError, stateRoot,
];

/**
 * The bundle's own file, for code that finds files beside it (run's supervisor): the blob lives in
 * dist/bundle/ beside stagecraft.cjs, and its path is only known at run time (execArgv), since the
 * checkout may have moved since the snapshot was made.
 */
function bundleFileAtRunTime(): string | undefined {
  const at = process.execArgv.indexOf('--snapshot-blob');
  const blob = at >= 0 ? process.execArgv[at + 1] : process.execArgv.find((a) => a.startsWith('--snapshot-blob='))?.slice(16);
  return blob === undefined ? undefined : join(blob, '..', 'stagecraft.cjs');
}

// Runs before the snapshot is taken (node drains the event loop first); see snapshot-warmup.ts.
void warmUpForSnapshot().then((failures) => {
  for (const failure of failures) process.stderr.write(`stagecraft snapshot: warm-up of ${failure} failed; the snapshot is made without it\n`);
});

startupSnapshot.setDeserializeMainFunction(() => {
  if (preloaded.length === 0) throw new Error('stagecraft: the snapshot lost its modules');
  (globalThis as { __stagecraftBundleFile?: string | undefined }).__stagecraftBundleFile = bundleFileAtRunTime();
  // Started as `node --snapshot-blob BLOB ARGS...`: there is no script path in argv.
  void main(process.argv.slice(1));
});
