// The benchmark's scenarios: the shared ones (../shared/scenarios: seed003, parallel, bigcopy,
// unused) copied into a temp directory so they can be changed, plus `bigfile`, our own, for memory.
// Each has phases run in order after a cold reset of the builder:
//   cold       nothing cached, base images present (what "cold" means per builder: see README.md)
//   nochange   the same build again
//   appchange  seed003 only: app.js gets a new message, then the build again
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function makeWritable(dir) {
  chmodSync(dir, statSync(dir).mode | 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(path);
    else if (entry.isFile()) chmodSync(path, statSync(path).mode | 0o600);
  }
}

function copyScenario(from, to) {
  cpSync(from, to, { recursive: true });
  makeWritable(to);
}

const APP_JS = (message) => `const express = require('express');
const app = express();

app.get('/', (req, res) => {
    res.send(${JSON.stringify(message)});
});

const port = process.env.PORT || 3000;
app.listen(port, () => {
    console.log(\`Server running on port \${port}\`);
});
`;

let changes = 0;

/** @typedef {{ name: string, description: string, phases: string[], prepare: (scenariosDir: string, workDir: string) => string,
 *   beforePhase?: (phase: string, contextDir: string) => void, stagecraftOutput?: (workDir: string) => string,
 *   runsOverride?: number }} Scenario */

/** @param {{ bigfileMiB: number }} options @returns {Scenario[]} */
export function defineScenarios({ bigfileMiB }) {
  let originalAppJs;
  return [
    {
      name: 'seed003',
      description: 'node:18 builder with npm install (express), node:18-slim runtime (../shared/scenarios/seed003)',
      phases: ['cold', 'nochange', 'appchange'],
      prepare(scenariosDir, workDir) {
        const dir = join(workDir, 'seed003');
        copyScenario(join(scenariosDir, 'seed003'), dir);
        originalAppJs = readFileSync(join(dir, 'app.js'));
        return dir;
      },
      beforePhase(phase, contextDir) {
        // A cold build starts from the scenario's own app.js; each change writes a message never
        // written before, so no builder can find it cached.
        if (phase === 'cold') writeFileSync(join(contextDir, 'app.js'), originalAppJs);
        else if (phase === 'appchange') writeFileSync(join(contextDir, 'app.js'), APP_JS(`Hello from change ${++changes} at ${Date.now()}`));
      },
    },
    {
      name: 'parallel',
      description: 'three independent stages of `sleep 2`, copied into a fourth (../shared/scenarios/parallel)',
      phases: ['cold', 'nochange'],
      prepare(scenariosDir, workDir) {
        const dir = join(workDir, 'parallel');
        copyScenario(join(scenariosDir, 'parallel'), dir);
        return dir;
      },
    },
    {
      name: 'bigcopy',
      description: 'RUN writes 2000 x 100 kB, COPY --from of it, COPY of a 5000-file 150 MB context (../shared/scenarios/bigcopy)',
      phases: ['cold', 'nochange'],
      prepare(scenariosDir, workDir) {
        const dir = join(workDir, 'bigcopy');
        copyScenario(join(scenariosDir, 'bigcopy'), dir);
        const gen = spawnSync('sh', [join(dir, 'gen-context.sh')], { stdio: 'inherit' });
        if (gen.status !== 0) throw new Error('bigcopy: gen-context.sh failed');
        return dir;
      },
    },
    {
      name: 'unused',
      description: 'a failing stage the target does not need must not run (../shared/scenarios/unused)',
      phases: ['cold', 'nochange'],
      prepare(scenariosDir, workDir) {
        const dir = join(workDir, 'unused');
        copyScenario(join(scenariosDir, 'unused'), dir);
        return dir;
      },
    },
    {
      name: 'bigfile',
      description: `RUN writes a ${bigfileMiB} MiB random file; stagecraft also exports the image as an OCI archive (memory while committing and exporting)`,
      phases: ['cold'],
      runsOverride: 1,
      prepare(_scenariosDir, workDir) {
        const dir = join(workDir, 'bigfile');
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'Dockerfile'), `FROM debian:bookworm-slim\nRUN head -c ${bigfileMiB}M /dev/urandom > /big && ls -l /big\n`);
        return dir;
      },
      stagecraftOutput(workDir) {
        return `type=oci,dest=${join(workDir, 'bigfile-oci.tar')}`;
      },
    },
  ];
}
