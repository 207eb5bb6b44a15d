// Reads what each builder printed into the same shape: the build's steps with their durations and
// whether they ran or came from the cache. Used for the RUN commands' own time (seed003 overhead)
// and as a check that a "no change" rebuild really ran nothing.

/** `[stage 3/5] RUN npm install` -> `RUN`; other labels (`[internal] load build context`) -> undefined. */
export function stepInstruction(label) {
  const match = /^\[[^\]]*?\b\d+\/\d+\] (\S+)/.exec(label);
  return match === null ? undefined : match[1].toUpperCase();
}

function summarize(steps) {
  const dockerfileSteps = steps.filter((s) => s.instruction !== undefined && s.instruction !== 'FROM');
  return {
    steps,
    runMs: steps.filter((s) => s.instruction === 'RUN' && s.ms !== undefined).reduce((sum, s) => sum + s.ms, 0),
    stepsRun: dockerfileSteps.filter((s) => !s.cached && s.ms !== undefined).length,
    stepsCached: dockerfileSteps.filter((s) => s.cached).length,
  };
}

/**
 * stagecraft `--progress json`: one event per line; `step-started` names a step, `step-done`
 * carries its duration (ms, the engine's monotonic clock), `step-cached` marks a cache hit,
 * `build-finished` the engine's own duration.
 */
export function parseStagecraftJson(text) {
  const byId = new Map();
  let buildMs;
  let firstEventMs;
  let lastEventMs;
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let event;
    try {
      event = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof event.time === 'number') {
      firstEventMs ??= event.time;
      lastEventMs = event.time;
    }
    if (event.type === 'step-started') {
      byId.set(event.id, { label: event.label, instruction: stepInstruction(event.label), ms: undefined, cached: false });
    } else if (event.type === 'step-done') {
      const step = byId.get(event.id);
      if (step !== undefined) step.ms = event.durationMs;
    } else if (event.type === 'step-cached') {
      const step = byId.get(event.id);
      if (step !== undefined) step.cached = true;
    } else if (event.type === 'build-finished') {
      buildMs = event.durationMs;
    }
  }
  // Event times are performance.now() of the CLI process: ms since it started. So the first event's
  // time is the start-up (node, modules, opening the store) and wall time minus the last one is
  // what happens after the build (exit).
  return { ...summarize([...byId.values()]), buildMs, firstEventMs, lastEventMs };
}

/**
 * buildah bud: `STEP 3/5: RUN npm install` starts a step; `--> Using cache <id>` right after it
 * marks a cache hit. buildah prints no durations, so `ms` stays unknown and a step counts as run
 * when it was not cached.
 */
export function parseBuildahOutput(text) {
  const steps = [];
  for (const line of text.split('\n')) {
    const step = /^(?:\[\d+\/\d+\] )?STEP \d+\/\d+: (\S+)/.exec(line);
    if (step !== null) {
      steps.push({ label: line.trim(), instruction: step[1].toUpperCase(), ms: undefined, cached: false });
      continue;
    }
    const last = steps.at(-1);
    if (last !== undefined && line.startsWith('--> Using cache')) last.cached = true;
  }
  const dockerfileSteps = steps.filter((s) => s.instruction !== 'FROM');
  return {
    steps,
    runMs: undefined,
    stepsRun: dockerfileSteps.filter((s) => !s.cached).length,
    stepsCached: dockerfileSteps.filter((s) => s.cached).length,
  };
}

/**
 * BuildKit `--progress plain`: `#8 [builder 3/5] RUN npm install` names vertex 8 (its first line),
 * `#8 DONE 1.8s` ends it with its duration, `#8 CACHED` marks a cache hit; other `#8 ...` lines are
 * its output or sub-statuses.
 */
export function parseBuildkitPlain(text) {
  const byId = new Map();
  for (const line of text.split('\n')) {
    const match = /^#(\d+) (.*)$/.exec(line.trimEnd());
    if (match === null) continue;
    const [, id, rest] = match;
    let step = byId.get(id);
    if (step === undefined) {
      step = { label: rest, instruction: stepInstruction(rest), ms: undefined, cached: false };
      byId.set(id, step);
      continue;
    }
    const done = /^DONE (\d+(?:\.\d+)?)s$/.exec(rest);
    if (done !== null) step.ms = Number(done[1]) * 1000;
    else if (rest === 'CACHED') step.cached = true;
  }
  return summarize([...byId.values()]);
}
