import type { AddInstruction, CopyInstruction, InlineSource } from '../dockerfile/instructions/index.js';
import { expandWord } from '../dockerfile/shell/index.js';
// the git URL grammar is a pure leaf module shared with the copy op that clones
import { isGitSource } from '../ops/copy/git-ref.js';
import type { ConvertContext, StepDraft } from './convert-context.js';
import type { ContentSource } from './planned-instruction.js';
import { isAbsolutePath, joinPath, normalizePath } from './posix-path.js';
import type { StepInput } from './types.js';

/**
 * COPY: `--chown`, `--chmod`, the sources and the destination are expanded (`--from` never is, and
 * `--exclude` patterns are taken as written, as in BuildKit). Heredoc sources are expanded with
 * quotes left alone unless their delimiter was quoted.
 */
export function convertCopy(command: CopyInstruction, context: ConvertContext): StepDraft {
  const { expander } = context;
  const chown = expander.optional(command.chown);
  const chmod = expander.optional(command.chmod);
  const sources = command.sources.map((s) => expander.word(s));
  const destination = expander.word(command.destination);
  const from: ContentSource = context.sources[0] ?? { kind: 'context' };
  const paths = sources.map((s) => joinPath('/', s));
  return {
    instruction: {
      kind: 'copy',
      from,
      sources,
      contents: expandContents(command.contents, context),
      destination,
      destinationPath: destinationPath(context.state.workdir, destination),
      chown,
      chmod,
      link: command.link,
      parents: command.parents,
      exclude: [...command.exclude],
    },
    layer: true,
    inputs: sources.length === 0 || from.kind === 'scratch' ? [] : [inputFrom(from, paths)],
    numbered: true,
  };
}

/**
 * ADD: as COPY, plus `--checksum`; a source may be an http(s) URL or a git repository (no context
 * input then).
 */
export function convertAdd(command: AddInstruction, context: ConvertContext): StepDraft {
  const { expander } = context;
  const chown = expander.optional(command.chown);
  const chmod = expander.optional(command.chmod);
  const checksum = expander.optional(command.checksum);
  const sources = command.sources.map((s) => expander.word(s));
  const destination = expander.word(command.destination);
  const inputs: StepInput[] = [];
  const local: string[] = [];
  for (const source of sources) {
    if (isGitSource(source)) inputs.push({ kind: 'git', url: source });
    else if (/^https?:\/\//.test(source)) inputs.push({ kind: 'url', url: source });
    else local.push(joinPath('/', source));
  }
  if (local.length > 0) inputs.unshift({ kind: 'context', paths: local });
  return {
    instruction: {
      kind: 'add',
      sources,
      contents: expandContents(command.contents, context),
      destination,
      destinationPath: destinationPath(context.state.workdir, destination),
      chown,
      chmod,
      link: command.link,
      exclude: [...command.exclude],
      checksum,
      keepGitDir: command.keepGitDir,
      unpack: command.unpack,
    },
    layer: true,
    inputs,
    numbered: true,
  };
}

/** BuildKit's heredoc-file expansion: backslash escapes, quotes kept as ordinary characters. */
function expandContents(contents: readonly InlineSource[], context: ConvertContext): { path: string; data: string }[] {
  return contents.map((c) => {
    if (!c.expand) return { path: c.path, data: c.data };
    const result = expandWord(c.data, context.state.env, { escapeChar: '\\', skipProcessQuotes: true });
    for (const name of result.used) context.expander.used.add(name);
    return { path: c.path, data: result.value };
  });
}

/** A destination made absolute against the working directory; `.` and `` mean "into it" (`./`). */
export function destinationPath(workdir: string, destination: string): string {
  if (isAbsolutePath(destination)) return normalizePath('/', destination, true);
  const relative = destination === '.' || destination === '' ? './' : destination;
  return normalizePath(workdir, relative, true);
}

/** The input a copy or mount reads from `from` (scratch has nothing to read). */
export function inputFrom(from: Exclude<ContentSource, { kind: 'scratch' }>, paths: readonly string[]): StepInput {
  switch (from.kind) {
    case 'context':
      return from.name === undefined ? { kind: 'context', paths } : { kind: 'context', paths, name: from.name };
    case 'stage':
      return { kind: 'stage', stage: from.stage, paths };
    case 'image':
      return { kind: 'image', ref: from.ref, paths };
  }
}
