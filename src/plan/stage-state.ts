import type { Platform } from '../oci/index.js';
import type { BaseImageConfig } from './options.js';

/** One ARG a stage declared (or inherited from its base stage), with the value it got. */
export interface ArgBinding {
  readonly key: string;
  readonly value: string | undefined;
}

const DEFAULT_PATH_UNIX = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The shell a shell-form command runs with when no SHELL was given. */
export function defaultShell(os: string): readonly string[] {
  return os === 'windows' ? ['cmd', '/S', '/C'] : ['/bin/sh', '-c'];
}

/**
 * What BuildKit's dispatch state tracks while a stage's instructions are planned. `env` is one
 * ordered scope, as in BuildKit's LLB state: the base image's ENV, then ENV instructions *and* ARG
 * values in the order they appear, a later one replacing an earlier one of the same name (so an ENV
 * after an ARG wins, and an ARG with a value after an ENV wins for the rest of the stage).
 */
export class StageState {
  readonly env: Map<string, string>;
  readonly buildArgs: ArgBinding[];
  workdir: string;
  user: string;
  shell: readonly string[] | undefined;
  readonly platform: Platform;

  private constructor(init: {
    env: Map<string, string>;
    buildArgs: ArgBinding[];
    workdir: string;
    user: string;
    shell: readonly string[] | undefined;
    platform: Platform;
  }) {
    this.env = init.env;
    this.buildArgs = init.buildArgs;
    this.workdir = init.workdir;
    this.user = init.user;
    this.shell = init.shell;
    this.platform = init.platform;
  }

  /** A stage starting from an image (or scratch: no config); PATH gets its default when missing. */
  static fromImage(config: BaseImageConfig | undefined, platform: Platform): StageState {
    const env = new Map<string, string>();
    for (const entry of config?.env ?? []) {
      const eq = entry.indexOf('=');
      env.set(eq === -1 ? entry : entry.slice(0, eq), eq === -1 ? '' : entry.slice(eq + 1));
    }
    if (!env.has('PATH') && platform.os !== 'windows') env.set('PATH', DEFAULT_PATH_UNIX);
    const workingDir = config?.workingDir ?? '';
    return new StageState({
      env,
      buildArgs: [],
      workdir: workingDir === '' ? '/' : workingDir,
      user: config?.user ?? '',
      shell: config?.shell !== undefined && config.shell.length > 0 ? config.shell : undefined,
      platform,
    });
  }

  /**
   * A stage built on another stage: it inherits the parent's whole scope, ENV *and* ARG values
   * (BuildKit's behaviour, documented since 2024: "an ARG declared in a stage is inherited by its
   * child stages"), its working directory, user, shell and platform.
   */
  inherit(): StageState {
    return new StageState({
      env: new Map(this.env),
      buildArgs: [...this.buildArgs],
      workdir: this.workdir,
      user: this.user,
      shell: this.shell,
      platform: this.platform,
    });
  }

  /** The shell for shell-form commands. */
  effectiveShell(): readonly string[] {
    return this.shell ?? defaultShell(this.platform.os);
  }

  /** `K=V` of the whole scope, in order. */
  envList(): string[] {
    return [...this.env].map(([k, v]) => `${k}=${v}`);
  }

  /** The names in scope, sorted. */
  visibleNames(): string[] {
    return [...this.env.keys()].sort();
  }

  /**
   * The ARGs as BuildKit writes them before a RUN's command in the history (`|2 A=1 B=`): each
   * declared name once, in first-declared order, with its current value in scope.
   */
  historyArgs(): string[] {
    const order: string[] = [];
    const values = new Map<string, string>();
    for (const arg of this.buildArgs) {
      if (!values.has(arg.key)) order.push(arg.key);
      values.set(arg.key, this.env.get(arg.key) ?? arg.value ?? '');
    }
    return order.map((k) => `${k}=${values.get(k) ?? ''}`);
  }
}
