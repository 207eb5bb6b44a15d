import type { ChmodSpec } from './chmod.js';
import type { Owner } from './chown.js';
import type { XattrsByPath } from './copy-xattrs.js';

/** What every copy of one COPY/ADD step shares. */
export interface CopySettings {
  /** The root filesystem written into (the step's merged mount point). */
  readonly destRoot: string;
  readonly owner: Owner | undefined;
  readonly chmod: ChmodSpec | undefined;
  /** Whether ownership is set (only root can); otherwise files keep the process's owner. */
  readonly applyOwners: boolean;
  /** A fixed time for everything written (SOURCE_DATE_EPOCH); source times are kept otherwise. */
  readonly timestamp: Date | undefined;
  /** Extended attributes of the sources, by host path (copied along, as BuildKit does). */
  readonly xattrs: XattrsByPath;
  readonly signal: AbortSignal | undefined;
}

export interface CopyCounters {
  files: number;
  bytes: number;
  readonly warnings: string[];
}

/** Mode of the parent directories a copy creates: an octal --chmod, else 0755 (fsutil). */
export function parentDirMode(settings: CopySettings): number {
  return settings.chmod?.kind === 'octal' ? settings.chmod.mode : 0o755;
}
