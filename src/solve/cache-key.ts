import { createHash } from 'node:crypto';
import type { Digest } from '../oci/index.js';
import type { PlannedInstruction } from '../plan/index.js';

declare const cacheKeyBrand: unique symbol;

/** A step's cache key: the sha256 (hex) of everything its result depends on. */
export type CacheKey = string & { readonly [cacheKeyBrand]: true };

/** Bumped whenever what goes into a key (or how a step runs) changes, so old entries are never hit. */
const KEY_VERSION = 'stagecraft.solve.v1';

const HEX_KEY = /^[a-f0-9]{64}$/;

/** The one validating constructor of CacheKey. */
export function toCacheKey(value: string): CacheKey {
  if (!HEX_KEY.test(value)) throw new TypeError(`not a cache key: ${JSON.stringify(value)}`);
  return value as CacheKey;
}

/** JSON with object keys sorted, so equal inputs give equal bytes whatever order they were built in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  // what JSON has no text for is written as null
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return 'null';
  return JSON.stringify(value);
}

function hashKey(material: unknown): CacheKey {
  return toCacheKey(createHash('sha256').update(canonicalJson({ v: KEY_VERSION, material })).digest('hex'));
}

/** The key of a stage's starting file system: a base image (by manifest digest) or scratch. */
export function baseCacheKey(base: { readonly kind: 'image'; readonly manifest: Digest; readonly platform: string } | { readonly kind: 'scratch'; readonly platform: string }): CacheKey {
  return hashKey(base);
}

/** What a step's file-system result depends on besides its parent and its instruction. */
export interface StepKeyInputs {
  /** The working directory it runs in (RUN, WORKDIR). */
  readonly workdir: string;
  /** The RUN network after the build's default is applied. */
  readonly network?: string;
  /** Content digests of what it reads (a COPY's selection of the context or of another stage, mount sources, URLs). */
  readonly inputs: readonly string[];
}

/**
 * The part of an instruction its file-system result depends on. Progress labels, history text,
 * and the destination as written (only the path it resolves to counts) are left out, so the same
 * work in two stages has one key; proxy variables are left out as BuildKit leaves them out.
 */
function instructionMaterial(instruction: PlannedInstruction): unknown {
  switch (instruction.kind) {
    case 'run':
      return {
        kind: 'run',
        args: instruction.args,
        script: instruction.scriptFile,
        env: instruction.env,
        user: instruction.user,
        security: instruction.security,
        mounts: instruction.mounts,
      };
    case 'copy':
    case 'add':
      // the destination as written is left out: only the path it resolves to counts
      return { ...instruction, destination: undefined };
    case 'workdir':
      return { kind: 'workdir', workdir: instruction.workdir };
    default:
      return instruction;
  }
}

/**
 * A step's key: its parent's key, the instruction as expanded (with the env and build args it
 * sees, which the plan put in it), and the digests of its inputs.
 */
export function stepCacheKey(parent: CacheKey, instruction: PlannedInstruction, extra: StepKeyInputs & { readonly user?: string }): CacheKey {
  return hashKey({
    parent,
    instruction: instructionMaterial(instruction),
    workdir: extra.workdir,
    network: extra.network,
    user: extra.user,
    inputs: extra.inputs,
  });
}

/**
 * The key of the file system a step leaves: its step key and the layer it made. Keys of later
 * steps chain on this, so a step that re-ran (`--no-cache`) and made a different layer is never
 * followed by a cached step that was made on top of the old one.
 */
export function stateCacheKey(step: CacheKey, diffId: Digest): CacheKey {
  return hashKey({ step, diffId });
}

/**
 * The key of the file system a layer made apart from its stage (`COPY --link`, keyed `step`
 * without the parent) leaves when it is put on top of `parent`: later steps depend on both.
 */
export function mergedStateKey(parent: CacheKey, step: CacheKey, diffId: Digest): CacheKey {
  return hashKey({ merge: parent, step, diffId });
}
