import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The state directory: `--root`, else `STAGECRAFT_ROOT`, else `/var/lib/stagecraft` for root and
 * `~/.local/share/stagecraft` (under XDG_DATA_HOME when set) for everyone else.
 */
export function resolveStateRoot(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag !== undefined && flag !== '') return resolve(flag);
  const fromEnv = env['STAGECRAFT_ROOT'];
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  if (typeof process.getuid === 'function' && process.getuid() === 0) return '/var/lib/stagecraft';
  const dataHome = env['XDG_DATA_HOME'];
  return join(dataHome !== undefined && dataHome !== '' ? dataHome : join(homedir(), '.local', 'share'), 'stagecraft');
}
