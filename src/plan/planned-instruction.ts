import type { HealthConfig, NetworkMode, ResolvedMount, SecurityMode } from '../dockerfile/instructions/index.js';

/**
 * An instruction as the build will carry it out: every word BuildKit expands is expanded with the
 * stage's variables at that point, paths are resolved against the working directory, and the
 * shell is put in front of shell-form commands. The build engine computes cache keys from this
 * and never looks at a variable again.
 */
export type PlannedInstruction =
  | PlannedFrom
  | PlannedRun
  | PlannedCopy
  | PlannedAdd
  | PlannedEnv
  | PlannedLabel
  | PlannedArg
  | PlannedExpose
  | PlannedUser
  | PlannedWorkdir
  | PlannedVolume
  | PlannedStopSignal
  | PlannedCommand
  | PlannedShell
  | PlannedHealthcheck
  | PlannedMaintainer
  | PlannedOnbuild;

export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

/** The step that fetches a stage's base image (stages based on another stage or scratch have none). */
export interface PlannedFrom {
  readonly kind: 'from';
  /** The image as written after ARG expansion (`node:18`). */
  readonly image: string;
  /** The fully qualified reference (`docker.io/library/node:18`). */
  readonly ref: string;
  /** The platform to pull, `os/arch[/variant]`. */
  readonly platform: string;
  /** The `--build-context` the stage starts from instead (`image` and `ref` then name what it gives). */
  readonly context?: string;
}

/**
 * Where a COPY or a RUN mount takes its files from: the build context (or, with `name`, a directory
 * given with `--build-context NAME=DIR`), a stage, an image, or nothing.
 */
export type ContentSource =
  | { readonly kind: 'context'; readonly name?: string }
  | { readonly kind: 'stage'; readonly stage: number }
  | { readonly kind: 'image'; readonly image: string; readonly ref: string }
  | { readonly kind: 'scratch' };

/**
 * A RUN mount with its values expanded and its target made absolute against the working directory;
 * `origin` says what a bind or cache mount's `from` named (tmpfs, secret and ssh mounts have none).
 */
export type PlannedMount = ResolvedMount & { readonly origin?: ContentSource };

export interface PlannedRun {
  readonly kind: 'run';
  /** The argv to execute: the stage's SHELL + the command for shell form, the array for exec form. */
  readonly args: readonly string[];
  readonly shellForm: boolean;
  /** A heredoc script that must be written to a file and run (BuildKit's `#!` heredoc case). */
  readonly scriptFile?: { readonly path: string; readonly data: string };
  readonly mounts: readonly PlannedMount[];
  readonly network: NetworkMode;
  readonly security: SecurityMode;
  /** `K=V`: the environment the command sees (image ENV, ENV instructions and ARG values in scope). */
  readonly env: readonly string[];
  /** `K=V`: predefined proxy build args passed to the command without being declared (not in history). */
  readonly proxyEnv: readonly string[];
  /** `K=V`: the ARGs in scope with their values, as BuildKit lists them in the history (`RUN |2 A=1 B=2 ...`). */
  readonly buildArgs: readonly string[];
  readonly user: string;
}

interface PlannedCopyBase {
  /** Source paths (or URLs for ADD) after expansion, as written otherwise. */
  readonly sources: readonly string[];
  /** Heredoc sources: file name and content (expanded unless the delimiter was quoted). */
  readonly contents: readonly { readonly path: string; readonly data: string }[];
  /** The destination after expansion, as written. */
  readonly destination: string;
  /** The destination made absolute against the working directory (a trailing `/` kept). */
  readonly destinationPath: string;
  readonly chown: string | undefined;
  readonly chmod: string | undefined;
  readonly link: boolean;
  readonly exclude: readonly string[];
}

export interface PlannedCopy extends PlannedCopyBase {
  readonly kind: 'copy';
  readonly from: ContentSource;
  readonly parents: boolean;
}

export interface PlannedAdd extends PlannedCopyBase {
  readonly kind: 'add';
  readonly checksum: string | undefined;
  readonly keepGitDir: boolean | undefined;
  readonly unpack: boolean | undefined;
}

export interface PlannedEnv {
  readonly kind: 'env';
  readonly pairs: readonly KeyValue[];
}

export interface PlannedLabel {
  readonly kind: 'label';
  readonly pairs: readonly KeyValue[];
}

export interface PlannedArg {
  readonly kind: 'arg';
  /** Each declared name with the value it got (build arg, expanded default, or global); undefined when none. */
  readonly args: readonly { readonly key: string; readonly value: string | undefined }[];
}

export interface PlannedExpose {
  readonly kind: 'expose';
  /** `port/proto`, one per port of a range, protocol lowercased (`3000/tcp`). */
  readonly ports: readonly string[];
}

export interface PlannedUser {
  readonly kind: 'user';
  readonly user: string;
}

export interface PlannedWorkdir {
  readonly kind: 'workdir';
  /** The path after expansion, as written. */
  readonly path: string;
  /** The resulting working directory. */
  readonly workdir: string;
}

export interface PlannedVolume {
  readonly kind: 'volume';
  readonly volumes: readonly string[];
}

export interface PlannedStopSignal {
  readonly kind: 'stopsignal';
  readonly signal: string;
}

/** CMD or ENTRYPOINT: not expanded (the shell does it at run time); shell form gets the SHELL. */
export interface PlannedCommand {
  readonly kind: 'cmd' | 'entrypoint';
  readonly args: readonly string[];
  readonly shellForm: boolean;
}

export interface PlannedShell {
  readonly kind: 'shell';
  readonly shell: readonly string[];
}

export interface PlannedHealthcheck {
  readonly kind: 'healthcheck';
  readonly health: HealthConfig;
}

export interface PlannedMaintainer {
  readonly kind: 'maintainer';
  readonly maintainer: string;
}

/** ONBUILD: stored in the image config for builds based on this one; nothing runs now. */
export interface PlannedOnbuild {
  readonly kind: 'onbuild';
  readonly expression: string;
}
