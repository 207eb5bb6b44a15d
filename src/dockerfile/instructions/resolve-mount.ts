import { isBuildError } from '../../errors/index.js';
import { failAt } from './fail.js';
import { basePath, cleanPath } from './go-path.js';
import type { Mount, ResolvedMount } from './mount.js';
import { parseMount } from './parse-mount.js';
import type { RunInstruction, RunMount } from './run.js';

export interface ResolveMountOptions {
  /** Expands one word with the stage's ARG/ENV scope; throws on bad expansions. */
  readonly expand?: (word: string) => string;
}

/**
 * A `--mount` of a RUN, parsed with its variables expanded (as BuildKit does at dispatch). Without
 * `expand`, the text is read as written. Errors are located at the `--mount` flag.
 */
export function resolveRunMount(runMount: RunMount, options: ResolveMountOptions = {}): Mount {
  const { expand } = options;
  if (expand === undefined) {
    return runMount.mount ?? parseMount(runMount.text, { range: runMount.range });
  }
  const located = (word: string): string => {
    try {
      return expand(word);
    } catch (error) {
      if (isBuildError(error)) throw error.withLocation(runMount.range);
      throw error;
    }
  };
  return parseMount(runMount.text, { range: runMount.range, expand: located });
}

/**
 * Every mount of a RUN, expanded and with BuildKit's dispatch defaults applied: cache id from the
 * target and sharing `shared`; secret id from source or target and target `/run/secrets/<id>`
 * unless only `env` is asked for; ssh id `default` and target `/run/buildkit/ssh_agent.<n>`;
 * file modes 0755 (cache dir), 0400 (secret), 0600 (ssh socket).
 */
export function resolveRunMounts(run: RunInstruction, options: ResolveMountOptions = {}): ResolvedMount[] {
  let sshIndex = 0;
  return run.mounts.map((runMount) => {
    const mount = resolveRunMount(runMount, options);
    if (mount.type === 'ssh' && mount.source !== undefined) {
      throw failAt('INVALID_FLAG_VALUE', 'ssh does not support source', runMount.range, {
        details: { flag: '--mount', value: runMount.text },
      });
    }
    const resolved = resolveMountDefaults(mount, { sshIndex });
    if (mount.type === 'ssh') sshIndex++;
    return resolved;
  });
}

/** Applies BuildKit's defaults to one parsed mount; `sshIndex` numbers the RUN's ssh sockets. */
export function resolveMountDefaults(mount: Mount, options: { sshIndex?: number } = {}): ResolvedMount {
  const target = mount.target ?? '';
  switch (mount.type) {
    case 'bind':
      return {
        type: 'bind',
        from: mount.from,
        source: cleanPath(`/${mount.source ?? ''}`),
        target,
        readOnly: mount.readOnly,
      };
    case 'cache':
      return {
        type: 'cache',
        from: mount.from,
        source: cleanPath(`/${mount.source ?? ''}`),
        target,
        readOnly: mount.readOnly,
        id: mount.id ?? cleanPath(target),
        sharing: mount.sharing ?? 'shared',
        uid: mount.uid ?? 0,
        gid: mount.gid ?? 0,
        mode: mount.mode ?? 0o755,
        ownerSet: mount.uid !== undefined || mount.gid !== undefined || mount.mode !== undefined,
      };
    case 'tmpfs':
      return { type: 'tmpfs', target, readOnly: mount.readOnly, sizeLimit: mount.sizeLimit };
    case 'secret': {
      const id = mount.source ?? mount.id ?? basePath(target);
      const secretTarget = mount.env === undefined ? (mount.target ?? `/run/secrets/${basePath(id)}`) : mount.target;
      return {
        type: 'secret',
        id,
        target: secretTarget,
        env: mount.env,
        required: mount.required,
        uid: mount.uid ?? 0,
        gid: mount.gid ?? 0,
        mode: mount.mode ?? 0o400,
      };
    }
    case 'ssh':
      return {
        type: 'ssh',
        id: mount.id ?? 'default',
        target: mount.target ?? `/run/buildkit/ssh_agent.${options.sshIndex ?? 0}`,
        required: mount.required,
        uid: mount.uid ?? 0,
        gid: mount.gid ?? 0,
        mode: mount.mode ?? 0o600,
      };
  }
}
