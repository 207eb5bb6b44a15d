import { describe, expect, it } from 'vitest';
import { parseStages } from '../dockerfile/instructions/index.js';
import { parseDockerfile } from '../dockerfile/syntax/index.js';
import { BuildError } from '../errors/index.js';
import { toDigest } from '../oci/index.js';
import type { BuildPlan, PlannedInstruction } from '../plan/index.js';
import { planBuild } from '../plan/index.js';
import { stepCacheKey, toCacheKey } from './cache-key.js';
import { checkLinkedCopies, isLinkedCopy, linkedCopyBase, linkedCopyKey, linkedStateKey } from './linked-copy.js';

function plan(text: string): BuildPlan {
  return planBuild(parseStages(parseDockerfile(text)), { hostPlatform: { os: 'linux', architecture: 'amd64' } });
}

/** The instruction of the last step of a one-stage Dockerfile. */
function lastInstruction(text: string): PlannedInstruction {
  const step = plan(text).stages.at(-1)?.steps.at(-1);
  if (step === undefined) throw new Error('no step');
  return step.instruction;
}

const parentA = toCacheKey('a'.repeat(64));
const parentB = toCacheKey('b'.repeat(64));
const diffId = toDigest(`sha256:${'c'.repeat(64)}`);

describe('isLinkedCopy', () => {
  it.each([
    { line: 'COPY --link app /app/', linked: true },
    { line: 'ADD --link app.tar /app/', linked: true },
    { line: 'COPY --link --from=build /out /out', linked: true },
    { line: 'COPY --link --chown=1000:1000 app /app/', linked: true },
    { line: 'COPY --link --chmod=0755 app /app/', linked: false },
    { line: 'COPY app /app/', linked: false },
    { line: 'RUN true', linked: false },
  ])('$line: $linked', ({ line, linked }) => {
    const from = line.includes('--from=build') ? 'FROM scratch AS build\n' : '';
    expect(isLinkedCopy(lastInstruction(`${from}FROM scratch\n${line}\n`))).toBe(linked);
  });
});

describe('linked copy keys', () => {
  const copy = lastInstruction('FROM scratch\nCOPY --link app /app/\n');
  const inputs = { workdir: '/', inputs: ['sha256:context-selection'] };

  it('leave the parent out: the same copy on any file system has one key', () => {
    const key = linkedCopyKey(copy, inputs);
    expect(key).toBe(linkedCopyKey(copy, inputs));
    expect(key).toBe(stepCacheKey(linkedCopyBase().key, copy, inputs));
    expect(key).not.toBe(stepCacheKey(parentA, copy, inputs));
    // the destination is resolved already: the working directory does not matter
    expect(linkedCopyKey(copy, { ...inputs, workdir: '/srv' })).toBe(key);
  });

  it('change with the copied content and the instruction', () => {
    const key = linkedCopyKey(copy, inputs);
    expect(linkedCopyKey(copy, { ...inputs, inputs: ['sha256:other'] })).not.toBe(key);
    expect(linkedCopyKey(lastInstruction('FROM scratch\nCOPY --link app /srv/\n'), inputs)).not.toBe(key);
  });

  it('the file system after the merge depends on the parent, the copy and its layer', () => {
    const key = linkedCopyKey(copy, inputs);
    const state = linkedStateKey(parentA, key, diffId);
    expect(linkedStateKey(parentA, key, diffId)).toBe(state);
    expect(linkedStateKey(parentB, key, diffId)).not.toBe(state);
    expect(linkedStateKey(parentA, key, toDigest(`sha256:${'d'.repeat(64)}`))).not.toBe(state);
  });

  it('the empty base is empty', () => {
    expect(linkedCopyBase().layers).toEqual([]);
  });
});

describe('checkLinkedCopies', () => {
  function check(line: string): BuildError | undefined {
    try {
      checkLinkedCopies(plan(`FROM scratch\nCOPY a /a\n${line}\n`), { file: 'Dockerfile' });
      return undefined;
    } catch (err) {
      if (err instanceof BuildError) return err;
      throw err;
    }
  }

  it.each([
    { line: 'COPY --link --chown=app app /app/', name: 'app' },
    { line: 'COPY --link --chown=1000:staff app /app/', name: 'staff' },
    { line: 'ADD --link --chown=www-data:www-data app /app/', name: 'www-data' },
  ])('refuses $line at its line', ({ line, name }) => {
    const err = check(line);
    expect(err?.code).toBe('INVALID_COPY_OPTION');
    expect(err?.message).toContain(`the name ${name} cannot be looked up`);
    expect(err?.hint).toContain('--chown=UID:GID');
    expect(err?.locations[0]?.start.line).toBe(3);
  });

  it.each(['COPY --link --chown=1000:1000 app /app/', 'COPY --link --chown=root app /app/', 'COPY --link --chown=0 app /app/', 'COPY --chown=app app /app/', 'COPY --link --chmod=644 --chown=app app /app/'])(
    'accepts %s',
    (line) => {
      expect(check(line)).toBeUndefined();
    },
  );
});
