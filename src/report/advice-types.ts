import type { ImageFileSystem } from './types.js';

export type AdviceKind = 'dev-dependencies' | 'slim-base' | 'package-cache' | 'duplicate-content' | 'deleted-later' | 'overwritten-later';

/** One piece of advice: what, where, how many bytes it would save (measured), and how to fix it. */
export interface Advice {
  readonly kind: AdviceKind;
  /** What was found, in one sentence. */
  readonly title: string;
  /** Where: a path in the image. */
  readonly path: string;
  /** The layer that holds the bytes (index), and the instruction that made it. */
  readonly layer?: number;
  readonly createdBy?: string;
  /** Bytes the image would lose with the fix (0 when the fix saves nothing measurable). */
  readonly bytes: number;
  /** How to fix it. */
  readonly fix: string;
  /** Dockerfile line the advice points at, when a Dockerfile was given. */
  readonly line?: number;
  /** Examples (paths, packages) with their bytes, biggest first. */
  readonly items?: ReadonlyArray<{ readonly name: string; readonly bytes: number }>;
}

/** The image's base as found in the store (or named by the Dockerfile's final FROM). */
export interface BaseInfo {
  readonly name: string;
  /** How many of the image's first layers are the base's. */
  readonly layers: number;
}

/** A smaller variant of the base that is in the store (`node:18-slim` for `node:18`). */
export interface SlimVariant {
  readonly name: string;
  /** Final file-system bytes of the variant. */
  readonly totalBytes: number;
}

/** What the Dockerfile says that advice can use. */
export interface DockerfileFacts {
  readonly file: string;
  /** The final stage's base image (stage names followed, meta ARG defaults expanded). */
  readonly finalBase?: string;
  /** The line of the final stage's FROM. */
  readonly finalFromLine?: number;
  /** RUN lines of the final stage that install node packages with their devDependencies. */
  readonly devInstalls: ReadonlyArray<{ readonly line: number; readonly command: string }>;
}

export interface AdviceInput {
  readonly fs: ImageFileSystem;
  /** The image's working directory (where the app's package.json is looked for first). */
  readonly workingDir?: string;
  readonly base?: BaseInfo;
  readonly slim?: SlimVariant;
  readonly dockerfile?: DockerfileFacts;
  /** Advice saving less than this is left out (default 100 kB). */
  readonly minBytes?: number;
}
