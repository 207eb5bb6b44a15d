import type { BuildState, LogLine, StepState } from '../../events/index.js';
import { formatLogOffset } from './format.js';

/** A log line as the plain view and the error summary show it: `0.512 added 57 packages`. */
export function formatLogLine(step: StepState, line: LogLine): string {
  return `${formatLogOffset(line.time - step.startedAt)} ${line.text}`;
}

/**
 * The last lines of output of every failed step, framed as BuildKit prints them when a build ends
 * (canceled steps are left out):
 *
 *     ------
 *      > [builder 3/5] RUN npm test:
 *     0.512 npm ERR! Test failed.
 *     ------
 */
export function formatErrorLogs(state: BuildState): string {
  let out = '';
  for (const step of state.steps.values()) {
    if (step.status !== 'failed') continue;
    out += `------\n > ${step.label}:\n`;
    for (const line of step.logs) out += `${formatLogLine(step, line)}\n`;
    out += '------\n';
  }
  return out;
}
