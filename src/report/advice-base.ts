import type { Advice, AdviceInput } from './advice-types.js';

/**
 * The bytes the first `layers` layers leave visible: what the base image itself weighs, measured
 * from this image's own accounting (written minus removed, layer by layer).
 */
export function baseBytes(input: AdviceInput): number {
  const count = input.base?.layers ?? 0;
  return input.fs.layers.slice(0, count).reduce((sum, l) => sum + l.addedBytes - l.removedBytes, 0);
}

/** The final base has a smaller variant in the store: say what switching would save. */
export function adviseSlimBase(input: AdviceInput, minBytes: number): Advice[] {
  const { base, slim } = input;
  if (base === undefined || slim === undefined || base.layers === 0) return [];
  const saved = baseBytes(input) - slim.totalBytes;
  if (saved < minBytes) return [];
  const last = base.layers - 1;
  const createdBy = input.fs.layers[last]?.createdBy;
  const line = input.dockerfile?.finalFromLine;
  return [
    {
      kind: 'slim-base',
      title: `the final image is based on ${base.name}; ${slim.name} is smaller`,
      path: '/',
      layer: last,
      ...(createdBy !== undefined ? { createdBy } : {}),
      bytes: saved,
      fix: `use \`FROM ${slim.name}\` for the final stage when it only runs the application (keep ${base.name} in a build stage for tools such as npm, compilers or headers)`,
      ...(line !== undefined ? { line } : {}),
    },
  ];
}
