/**
 * USER resolution with BuildKit's semantics (executor/oci GetUser over moby/sys/user GetExecUser):
 *
 * - `uid:gid` with both parts numeric (or `root`) is taken as is, without reading any file and
 *   without supplementary groups;
 * - otherwise the user part is looked up in the rootfs's /etc/passwd (a number matches by uid and
 *   needs no entry; a name must exist), giving the primary gid and home; an explicit group is looked
 *   up in /etc/group (a number needs no entry); without one the supplementary groups are those that
 *   list the user's name as a member;
 * - an empty USER means root, and lookup errors are then ignored.
 *
 * HOME follows runc: the home of the first passwd entry with the resolved uid, else `/`.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { BuildError } from '../errors/index.js';
import { resolveInRoot } from './root-path.js';

export interface ResolvedUser {
  readonly uid: number;
  readonly gid: number;
  /** Supplementary groups (the runtime spec adds the primary gid in front). */
  readonly additionalGids: readonly number[];
  readonly home: string;
}

export interface UserFiles {
  /** Text of /etc/passwd, `undefined` when the rootfs has none. */
  readonly passwd: string | undefined;
  readonly group: string | undefined;
}

export interface ResolveUserOptions {
  /** The stage, for error messages. */
  readonly stage?: string;
}

interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  readonly members: readonly string[];
}

const MAX_ID = 2 ** 31 - 1;
const MAX_USER_FILE_BYTES = 10 * 1024 * 1024;

/** Go's strconv.Atoi for numeric fields of passwd/group lines: errors count as 0. */
function fieldNumber(text: string | undefined): number {
  if (text === undefined || !/^[+-]?\d+$/.test(text)) return 0;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : 0;
}

function fileLines(text: string, skipComments: boolean): string[][] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !(skipComments && line.startsWith('#')))
    .map((line) => line.split(':'));
}

export function parsePasswd(text: string): PasswdEntry[] {
  return fileLines(text, false).map((f) => ({ name: f[0] ?? '', uid: fieldNumber(f[2]), gid: fieldNumber(f[3]), home: f[5] ?? '' }));
}

export function parseGroup(text: string): GroupEntry[] {
  return fileLines(text, true).map((f) => ({
    name: f[0] ?? '',
    gid: fieldNumber(f[2]),
    members: f[3] === undefined || f[3] === '' ? [] : f[3].split(','),
  }));
}

/** A user or group argument: a number (by id) or a name; out-of-range numbers are errors. */
function parseIdArg(text: string, spec: string): { name: string; id: number | undefined } {
  if (!/^[+-]?\d+$/.test(text)) return { name: text, id: undefined };
  const id = Number(text);
  if (!Number.isSafeInteger(id) || id < 0 || id > MAX_ID) {
    throw new BuildError('INVALID_USER', `invalid USER ${spec}: uids and gids must be in range 0-${String(MAX_ID)}`);
  }
  return { name: text, id };
}

/** BuildKit's fast path: `uid:gid`, both unsigned 32-bit numbers or `root`. */
function parseNumericPair(spec: string): { uid: number; gid: number } | undefined {
  const colon = spec.indexOf(':');
  if (colon < 0) return undefined;
  const parse = (part: string): number | undefined => {
    if (part === 'root') return 0;
    if (!/^\d+$/.test(part)) return undefined;
    const value = Number(part);
    return value <= 0xffffffff ? value : undefined;
  };
  const uid = parse(spec.slice(0, colon));
  const gid = parse(spec.slice(colon + 1));
  return uid === undefined || gid === undefined ? undefined : { uid, gid };
}

function homeOf(uid: number, passwd: readonly PasswdEntry[]): string {
  return passwd.find((entry) => entry.uid === uid)?.home ?? '/';
}

function where(options: ResolveUserOptions): string {
  return options.stage === undefined ? '' : ` of stage ${options.stage}`;
}

function lookupUser(spec: string, files: UserFiles, options: ResolveUserOptions): ResolvedUser {
  const passwd = parsePasswd(files.passwd ?? '');
  const colon = spec.indexOf(':');
  const userPart = colon < 0 ? spec : spec.slice(0, colon);
  const groupPart = colon < 0 ? '' : spec.slice(colon + 1);
  const userArg = userPart === '' ? undefined : parseIdArg(userPart, spec);
  const groupArg = groupPart === '' ? undefined : parseIdArg(groupPart, spec);

  const match = passwd.find((entry) =>
    userArg === undefined ? entry.uid === 0 : userArg.id !== undefined ? entry.uid === userArg.id : entry.name === userArg.name,
  );
  let uid = 0;
  let gid = 0;
  if (match !== undefined) {
    uid = match.uid;
    gid = match.gid;
  } else if (userArg !== undefined) {
    if (userArg.id === undefined) {
      throw new BuildError('USER_NOT_FOUND', `unable to find user ${userArg.name}: no matching entries in /etc/passwd${where(options)}`, {
        details: { user: userArg.name, file: '/etc/passwd', ...(options.stage !== undefined ? { stage: options.stage } : {}) },
        hint: 'create the user in an earlier step (useradd/adduser) or give a numeric uid, which needs no passwd entry',
      });
    }
    uid = userArg.id;
  }

  let additionalGids: number[] = [];
  if (groupArg !== undefined || match !== undefined) {
    const groups = parseGroup(files.group ?? '');
    if (groupArg !== undefined) {
      const group = groups.find((g) => (groupArg.id !== undefined ? g.gid === groupArg.id : g.name === groupArg.name));
      if (group !== undefined) gid = group.gid;
      else if (groupArg.id !== undefined) gid = groupArg.id;
      else {
        throw new BuildError('USER_NOT_FOUND', `unable to find group ${groupArg.name}: no matching entries in /etc/group${where(options)}`, {
          details: { group: groupArg.name, file: '/etc/group', ...(options.stage !== undefined ? { stage: options.stage } : {}) },
          hint: 'create the group in an earlier step (groupadd/addgroup) or give a numeric gid, which needs no group entry',
        });
      }
    } else if (match !== undefined) {
      additionalGids = groups.filter((g) => g.members.includes(match.name)).map((g) => g.gid);
    }
  }
  return { uid, gid, additionalGids, home: homeOf(uid, passwd) };
}

/** Resolves a USER value against the contents of a rootfs's /etc/passwd and /etc/group (pure). */
export function resolveUserFromFiles(spec: string, files: UserFiles, options: ResolveUserOptions = {}): ResolvedUser {
  const home = (uid: number): string => homeOf(uid, parsePasswd(files.passwd ?? ''));
  const pair = parseNumericPair(spec === '' ? '0' : spec);
  if (pair !== undefined) return { ...pair, additionalGids: [], home: home(pair.uid) };
  if (spec === '') {
    try {
      return lookupUser('0', files, options);
    } catch {
      return { uid: 0, gid: 0, additionalGids: [], home: home(0) };
    }
  }
  return lookupUser(spec, files, options);
}

/**
 * Reads /etc/passwd or /etc/group of a rootfs, resolving symlinks inside it (never out of it).
 * A missing or non-regular file reads as `undefined`, as BuildKit treats one it cannot open.
 */
export async function readUserFile(rootfs: string, path: '/etc/passwd' | '/etc/group'): Promise<string | undefined> {
  const hostPath = await resolveInRoot(rootfs, path);
  let handle;
  try {
    handle = await open(hostPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return undefined;
    if (info.size > MAX_USER_FILE_BYTES) {
      throw new BuildError('INVALID_USER', `${path} is larger than ${String(MAX_USER_FILE_BYTES)} bytes`, { details: { file: path } });
    }
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** Resolves a USER value (`name|uid[:group|gid]`) against the rootfs's own passwd and group files. */
export async function resolveUser(rootfs: string, spec: string, options: ResolveUserOptions = {}): Promise<ResolvedUser> {
  const files: UserFiles = {
    passwd: await readUserFile(rootfs, '/etc/passwd'),
    group: await readUserFile(rootfs, '/etc/group'),
  };
  return resolveUserFromFiles(spec, files, options);
}
