/**
 * The detached supervisor of `run -d` (not a command: `run` starts it as `node run-supervisor.js
 * ROOT ID` in a session of its own). It runs the container to its end; one line on file
 * descriptor 3 tells `run` that the container started, or why it could not. Its stdout and stderr
 * go to the container's supervisor.log.
 */
import { closeSync, writeSync } from 'node:fs';
// Only what the supervisor needs (not the whole container module): it starts faster.
import { runSupervisor } from '../../container/detached-supervisor.js';

const [root, id] = process.argv.slice(2);
if (root === undefined || id === undefined) {
  console.error('usage: run-supervisor.js ROOT ID');
  process.exit(2);
}

const REPORT_FD = 3;

function report(line: string): void {
  try {
    writeSync(REPORT_FD, line);
    closeSync(REPORT_FD);
  } catch {
    // `run` is gone: nobody is waiting for the report
  }
}

try {
  process.exitCode = await runSupervisor(root, id, report);
} catch (err) {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 125;
}
