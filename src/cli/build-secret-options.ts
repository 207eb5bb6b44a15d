import { splitCsvFields } from '../dockerfile/instructions/csv-fields.js';
import { BuildError } from '../errors/index.js';
import { openSecretStore, openSshAgents } from '../secrets/index.js';
import type { SecretSpec, SecretStore, SshAgents, SshSpec } from '../secrets/index.js';

function usage(flag: string, text: string, reason: string, hint: string): BuildError {
  return new BuildError('USAGE', `invalid ${flag} ${JSON.stringify(text)}: ${reason}`, { hint });
}

const SECRET_HINT = 'write --secret id=NAME,src=FILE, --secret id=NAME,env=VAR or --secret id=NAME';

/**
 * One `--secret` value, read as buildx reads it: CSV of `key=value` (keys case-insensitive) with
 * `id`, `src`/`source`, `env` and `type=file|env`; `type=env` with no `env` takes the variable's
 * name from `src`. Checking that the id is there and the source exists is the secret store's job.
 */
export function parseSecretFlag(text: string): SecretSpec {
  if (text === '') return { id: '' };
  const csv = splitCsvFields(text);
  if (!csv.ok) throw usage('--secret', text, `failed to parse csv secret: ${csv.error}`, SECRET_HINT);
  let id = '';
  let src = '';
  let env = '';
  let type: string | undefined;
  for (const field of csv.fields) {
    const eq = field.indexOf('=');
    if (eq === -1) throw usage('--secret', text, `invalid field '${field}' must be a key=value pair`, SECRET_HINT);
    const key = field.slice(0, eq).toLowerCase();
    const value = field.slice(eq + 1);
    switch (key) {
      case 'type':
        if (value !== 'file' && value !== 'env') throw usage('--secret', text, `unsupported secret type ${JSON.stringify(value)}`, 'type is file or env');
        type = value;
        break;
      case 'id':
        id = value;
        break;
      case 'source':
      case 'src':
        src = value;
        break;
      case 'env':
        env = value;
        break;
      default:
        throw usage('--secret', text, `unexpected key '${key}' in '${field}'`, SECRET_HINT);
    }
  }
  if (type === 'env' && env === '') {
    env = src;
    src = '';
  }
  return { id, ...(src !== '' ? { src } : {}), ...(env !== '' ? { env } : {}) };
}

/**
 * One `--ssh` value as buildx splits it: `ID` alone (the agent of $SSH_AUTH_SOCK) or
 * `ID=PATH[,PATH...]` (an agent socket, or private key files). `--ssh default` is the usual one.
 */
export function parseSshFlag(text: string): SshSpec {
  const eq = text.indexOf('=');
  if (eq === -1) return { id: text, paths: [] };
  return { id: text.slice(0, eq), paths: text.slice(eq + 1).split(',') };
}

export interface BuildSecrets {
  readonly secrets?: SecretStore;
  readonly ssh?: SshAgents;
}

/**
 * The `--secret` and `--ssh` flags of a build, parsed and opened (sources checked) before anything
 * runs, as buildx sets up its session; nothing when neither flag was given.
 */
export async function openBuildSecrets(
  secretFlags: readonly string[],
  sshFlags: readonly string[],
  options: { readonly env: Readonly<Record<string, string | undefined>>; readonly cwd: string },
): Promise<BuildSecrets> {
  const secretSpecs = secretFlags.map(parseSecretFlag);
  const sshSpecs = sshFlags.map(parseSshFlag);
  return {
    ...(secretSpecs.length > 0 ? { secrets: await openSecretStore(secretSpecs, options) } : {}),
    ...(sshSpecs.length > 0 ? { ssh: await openSshAgents(sshSpecs, options) } : {}),
  };
}
