/**
 * `--chown=user[:group]` as BuildKit applies it to COPY and ADD (llb.WithUser + the file op's
 * readUser), which differs from USER:
 *
 * - a number (or `root`) is taken as is; a user given alone as a number is also the group
 *   (`--chown=1000` is 1000:1000), while a user name alone takes the primary group of its
 *   /etc/passwd entry;
 * - names are looked up in the DESTINATION stage's /etc/passwd and /etc/group (read inside its
 *   root filesystem, symlinks never leaving it);
 * - an empty user part (`:staff`) is root.
 *
 * An unknown name fails the step, as the Dockerfile reference documents. (BuildKit's code quietly
 * uses 0 for a name it cannot find; the reference and `docker build` without BuildKit fail.)
 */
import { BuildError } from '../../errors/index.js';
import { parseGroup, parsePasswd, readUserFile } from '../../runtime/index.js';
import { invalidCopyOption } from './copy-errors.js';

export interface Owner {
  readonly uid: number;
  readonly gid: number;
}

type IdPart = { readonly id: number } | { readonly name: string };

export interface ChownSpec {
  readonly user: IdPart;
  readonly group: IdPart | undefined;
}

const MAX_ID = 2 ** 31 - 1;

function parsePart(text: string, spec: string): IdPart {
  if (text === 'root') return { id: 0 };
  if (/^[+-]?\d+$/.test(text)) {
    const id = Number(text);
    if (!Number.isSafeInteger(id) || id < 0 || id > MAX_ID) {
      throw invalidCopyOption(`invalid --chown=${spec}: ids must be in range 0-${String(MAX_ID)}`, { chown: spec });
    }
    return { id };
  }
  return { name: text };
}

/** Parses a `--chown` value (no file is read). */
export function parseChown(spec: string): ChownSpec {
  const colon = spec.indexOf(':');
  const userText = colon < 0 ? spec : spec.slice(0, colon);
  const groupText = colon < 0 ? undefined : spec.slice(colon + 1);
  const user: IdPart = userText === '' ? { id: 0 } : parsePart(userText, spec);
  const group = groupText === undefined || groupText === '' ? undefined : parsePart(groupText, spec);
  return { user, group };
}

export interface UserDatabase {
  readonly passwd: string | undefined;
  readonly group: string | undefined;
}

function notFound(kind: 'user' | 'group', name: string, spec: string): BuildError<'USER_NOT_FOUND'> {
  const file = kind === 'user' ? '/etc/passwd' : '/etc/group';
  return new BuildError('USER_NOT_FOUND', `unable to find ${kind} ${name} for --chown=${spec}: no matching entries in ${file}`, {
    details: { [kind]: name, file, chown: spec },
    hint: `create the ${kind} in an earlier step of this stage, or give a numeric id, which needs no ${file} entry`,
  });
}

/** Resolves a parsed `--chown` against the text of /etc/passwd and /etc/group (pure). */
export function resolveChownFromFiles(spec: string, files: UserDatabase): Owner {
  const parsed = parseChown(spec);
  let uid: number;
  let gid: number;
  if ('id' in parsed.user) {
    uid = parsed.user.id;
    gid = parsed.user.id;
  } else {
    const name = parsed.user.name;
    const entry = parsePasswd(files.passwd ?? '').find((e) => e.name === name);
    if (entry === undefined) throw notFound('user', name, spec);
    uid = entry.uid;
    gid = entry.gid;
  }
  if (parsed.group !== undefined) {
    if ('id' in parsed.group) gid = parsed.group.id;
    else {
      const name = parsed.group.name;
      const entry = parseGroup(files.group ?? '').find((e) => e.name === name);
      if (entry === undefined) throw notFound('group', name, spec);
      gid = entry.gid;
    }
  }
  return { uid, gid };
}

/** Resolves `--chown` in the destination root filesystem (its passwd/group read only when names are used). */
export async function resolveChown(rootfs: string, spec: string): Promise<Owner> {
  const parsed = parseChown(spec);
  const needsPasswd = 'name' in parsed.user;
  const needsGroup = parsed.group !== undefined && 'name' in parsed.group;
  const files: UserDatabase = {
    passwd: needsPasswd ? await readUserFile(rootfs, '/etc/passwd') : undefined,
    group: needsGroup ? await readUserFile(rootfs, '/etc/group') : undefined,
  };
  return resolveChownFromFiles(spec, files);
}
