import type { Stage } from '../dockerfile/instructions/index.js';
import type { EscapeChar } from '../dockerfile/shell/index.js';
import { parsePlatform, parseReference } from '../oci/index.js';
import type { Platform } from '../oci/index.js';
import { WordExpander } from './expander.js';
import { findNamedContext, namedContextBase } from './named-contexts.js';
import type { NamedContextSource } from './options.js';
import { atInstruction, planError } from './plan-error.js';
import type { PlanWarning, StageBase } from './types.js';

export interface ResolvedBase {
  readonly base: StageBase;
  /** The `--platform` of the FROM line, expanded and parsed; undefined when not written. */
  readonly platform: Platform | undefined;
  /** Global ARGs the FROM line (image and platform) referenced. */
  readonly fromArgs: readonly string[];
  /** The named context that replaces the whole stage (BuildKit then runs none of its instructions). */
  readonly replacedBy?: string;
}

/**
 * Expands each FROM line against the global scope and decides what the stage starts from, as
 * BuildKit does: the name of an *earlier* stage (case-insensitive) makes it a child of that stage;
 * `scratch` is the empty file system; anything else is an image reference. A later stage's name is
 * not a stage reference (BuildKit looks names up as it goes): it is pulled as an image, with a warning.
 * A `--build-context` named like a stage replaces that stage; one named like the image of a FROM
 * (`alpine` for `FROM alpine:latest`) replaces the image.
 */
export function resolveStageBases(
  stages: readonly Stage[],
  options: {
    readonly globals: ReadonlyMap<string, string>;
    readonly escapeChar: EscapeChar;
    readonly file: string | undefined;
    readonly namedContexts?: ReadonlyMap<string, NamedContextSource>;
  },
): { bases: ResolvedBase[]; warnings: PlanWarning[] } {
  const contexts = options.namedContexts ?? new Map<string, NamedContextSource>();
  const bases: ResolvedBase[] = [];
  const warnings: PlanWarning[] = [];
  const seen = new Map<string, number>();
  for (const stage of stages) {
    const from = stage.from;
    const expander = new WordExpander(options.globals, options.escapeChar);
    const resolved = atInstruction(stage.range, options.file, (): ResolvedBase => {
      const image = expander.word(from.image);
      if (image === '') {
        throw planError('INVALID_INSTRUCTION', `base name (${from.image}) should not be blank`, stage.range, {
          file: options.file,
          hint: 'give the ARG a default value, or pass it with --build-arg',
        });
      }
      let platform: Platform | undefined;
      if (from.platform !== undefined) platform = resolvePlatform(from.platform, expander, stage, options.file);
      const replacement = stage.name === undefined ? undefined : findNamedContext(contexts, stage.name);
      if (replacement !== undefined) {
        return { base: namedContextBase(replacement, stage.name ?? image), platform, fromArgs: expander.usedNames(), replacedBy: replacement.name };
      }
      const base = resolveBase(image, seen, stage, stages, { warnings, file: options.file, contexts });
      return { base, platform, fromArgs: expander.usedNames() };
    });
    bases.push(resolved);
    if (stage.name !== undefined) seen.set(stage.name, stage.index);
  }
  return { bases, warnings };
}

function resolvePlatform(text: string, expander: WordExpander, stage: Stage, file: string | undefined): Platform {
  const value = expander.word(text);
  if (value === '') {
    throw planError('INVALID_FLAG_VALUE', `empty platform value from expression ${text}`, stage.range, {
      file,
      hint: 'the --platform value expanded to nothing: give its ARG a value',
    });
  }
  const platform = parsePlatform(value);
  if (platform === undefined) {
    throw planError('INVALID_FLAG_VALUE', `failed to parse platform ${value}`, stage.range, {
      file,
      hint: 'a platform is os/arch[/variant], e.g. linux/amd64 or linux/arm/v7',
    });
  }
  return platform;
}

function resolveBase(
  image: string,
  seen: ReadonlyMap<string, number>,
  stage: Stage,
  stages: readonly Stage[],
  options: { readonly warnings: PlanWarning[]; readonly file: string | undefined; readonly contexts: ReadonlyMap<string, NamedContextSource> },
): StageBase {
  const { warnings, file } = options;
  const earlier = seen.get(image.toLowerCase());
  if (earlier !== undefined) return { kind: 'stage', stage: earlier };
  if (image === 'scratch') return { kind: 'scratch' };
  const named = findNamedContext(options.contexts, image);
  if (named !== undefined) return namedContextBase(named, image);
  const later = stages.find((s) => s.index > stage.index && s.name === image.toLowerCase());
  if (later !== undefined) {
    warnings.push({
      code: 'FROM_LATER_STAGE',
      message: `FROM ${image}: the stage named ${JSON.stringify(later.name)} comes later, so this pulls an image of that name`,
      range: stage.range,
    });
  }
  const ref = atInstruction(stage.range, file, () => parseReference(image));
  return { kind: 'image', image, ref: ref.toString() };
}
