import type { ArgInstruction } from '../instructions/index.js';
import { expandWord } from '../shell/index.js';
import type { EscapeChar } from '../shell/index.js';

/** The predefined platform arguments, in BuildKit's order, from the build and target platforms. */
export function platformArgs(
  buildPlatform: string,
  targetPlatform: string,
  target: string | undefined,
): Map<string, string> {
  const split = (platform: string): [string, string, string] => {
    const [os = '', arch = '', variant = ''] = platform.split('/');
    return [os, arch, variant];
  };
  const [buildOs, buildArch, buildVariant] = split(buildPlatform);
  const [targetOs, targetArch, targetVariant] = split(targetPlatform);
  return new Map([
    ['BUILDPLATFORM', buildPlatform],
    ['BUILDOS', buildOs],
    ['BUILDOSVERSION', ''],
    ['BUILDARCH', buildArch],
    ['BUILDVARIANT', buildVariant],
    ['TARGETPLATFORM', targetPlatform],
    ['TARGETOS', targetOs],
    ['TARGETOSVERSION', ''],
    ['TARGETARCH', targetArch],
    ['TARGETVARIANT', targetVariant],
    ['TARGETSTAGE', target ?? 'default'],
  ]);
}

export interface GlobalScope {
  /** The variables FROM lines see: platform arguments and meta ARGs that have a value. */
  readonly env: ReadonlyMap<string, string>;
  /** Every name declared by a meta ARG, with or without a value. */
  readonly declared: ReadonlySet<string>;
}

export interface GlobalScopeOptions {
  readonly escapeChar: EscapeChar;
  /** `--build-arg` values; they override platform arguments and meta ARG defaults. */
  readonly buildArgs: ReadonlyMap<string, string>;
  readonly platformArgs: ReadonlyMap<string, string>;
}

/**
 * The global scope the ARGs before the first FROM make, as BuildKit's buildMetaArgs: each ARG
 * takes its `--build-arg` value, else its default expanded against the ARGs before it. A default
 * that fails to expand leaves the ARG without a value here (the planner reports the error).
 */
export function buildGlobalScope(metaArgs: readonly ArgInstruction[], options: GlobalScopeOptions): GlobalScope {
  const env = new Map<string, string>();
  for (const [key, value] of options.platformArgs) env.set(key, options.buildArgs.get(key) ?? value);
  const declared = new Set<string>();
  for (const instruction of metaArgs) {
    for (const arg of instruction.args) {
      declared.add(arg.key);
      let value = options.buildArgs.get(arg.key);
      if (value === undefined && arg.value !== undefined) {
        try {
          value = expandWord(arg.value, env, { escapeChar: options.escapeChar }).value;
        } catch {
          value = undefined;
        }
      }
      if (value !== undefined) env.set(arg.key, value);
    }
  }
  return { env, declared };
}
