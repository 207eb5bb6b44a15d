/**
 * `--chmod` as BuildKit reads it: an octal number up to 07777 replaces the permission bits of
 * everything copied (directories too) and is also the mode of the parent directories the copy
 * creates; anything else is a symbolic mode as chmod(1) writes it (Dockerfile 1.14+, e.g. `+x`,
 * `u=rwX,go=rX`, `g=u`), applied to each copied file's own mode.
 */
import { invalidCopyOption } from './copy-errors.js';

export type ChmodSpec =
  | { readonly kind: 'octal'; readonly mode: number; readonly text: string }
  | { readonly kind: 'symbolic'; readonly text: string; readonly apply: (mode: number, isDir: boolean) => number };

const SETUID = 0o4000;
const SETGID = 0o2000;
const STICKY = 0o1000;
const WHO_BITS = { u: SETUID | 0o700, g: SETGID | 0o070, o: 0o007, a: SETUID | SETGID | 0o777 } as const;
const CLASS_SHIFT = { u: 6, g: 3, o: 0 } as const;

type Op = '+' | '-' | '=';

interface Action {
  readonly op: Op;
  readonly perms: string;
}

interface Clause {
  /** u, g, o or a; empty means all (with a zero umask, as BuildKit parses it). */
  readonly who: string;
  readonly actions: readonly Action[];
}

function nonOctal(text: string): Error {
  return invalidCopyOption(`invalid chmod parameter: '${text}'. it should be octal string and between 0 and 07777`, { chmod: text });
}

function syntax(text: string): Error {
  return invalidCopyOption(`invalid chmod parameter: '${text}': invalid syntax`, { chmod: text }, 'use octal (0755) or chmod(1) symbols (u+x, go-w, a=rX)');
}

function parseClauses(text: string): Clause[] {
  return text.split(',').map((part) => {
    const match = /^([ugoa]*)((?:[-+=][rwxXstugo]*)+)$/.exec(part);
    if (match === null) throw syntax(text);
    const actions = [...(match[2] ?? '').matchAll(/([-+=])([rwxXstugo]*)/g)].map((m) => ({ op: m[1] as Op, perms: m[2] ?? '' }));
    for (const action of actions) {
      // a copy from another class (`g=u`) stands alone, as in chmod(1)
      if (/[ugo]/.test(action.perms) && action.perms.length > 1 && /[rwxXst]/.test(action.perms)) throw syntax(text);
    }
    return { who: match[1] ?? '', actions };
  });
}

function whoMask(who: string): number {
  if (who === '' || who.includes('a')) return WHO_BITS.a;
  let mask = 0;
  for (const w of who) mask |= WHO_BITS[w as 'u' | 'g' | 'o'];
  return mask;
}

/** The rwx bits of class `from` copied into each class of `who`. */
function copyClass(mode: number, from: 'u' | 'g' | 'o', who: string): number {
  const bits = (mode >> CLASS_SHIFT[from]) & 0o7;
  const classes = who === '' || who.includes('a') ? ['u', 'g', 'o'] : who.split('');
  let out = 0;
  for (const c of classes) out |= bits << CLASS_SHIFT[c as 'u' | 'g' | 'o'];
  return out;
}

function applyClause(mode: number, original: number, isDir: boolean, clause: Clause): number {
  const mask = whoMask(clause.who);
  const onlyOthers = clause.who !== '' && !/[uga]/.test(clause.who);
  let out = mode;
  for (const { op, perms } of clause.actions) {
    let bits = 0;
    let sticky = false;
    for (const p of perms) {
      if (p === 'r') bits |= 0o444 & mask;
      else if (p === 'w') bits |= 0o222 & mask;
      else if (p === 'x') bits |= 0o111 & mask;
      else if (p === 'X') {
        // with + or =: executable if a directory or already executable by someone; with - as x
        if (op === '-' || isDir || (original & 0o111) !== 0) bits |= 0o111 & mask;
      } else if (p === 's') {
        if (!onlyOthers) bits |= (SETUID | SETGID) & mask;
      } else if (p === 't') {
        if (!onlyOthers) sticky = true;
      } else bits |= copyClass(out, p as 'u' | 'g' | 'o', clause.who);
    }
    if (sticky) bits |= STICKY;
    if (op === '+') out |= bits;
    else if (op === '-') out &= ~bits;
    else if (/^[ugo]$/.test(perms)) out = (out & ~copyClass(0o777, 'u', clause.who)) | bits; // `g=u` keeps set-id bits
    else out = (out & ~(mask | (sticky ? STICKY : 0))) | bits; // `=` keeps the sticky bit unless it sets it (BSD)
  }
  return out & 0o7777;
}

/**
 * Parses `--chmod`. Octal: BuildKit's ParseUint(s, 8) check (anything numeric-looking that is not
 * octal, or above 07777, gets its "should be octal" error); otherwise the symbolic grammar.
 */
export function parseChmod(text: string): ChmodSpec {
  if (/^[0-9]/.test(text)) {
    if (!/^[0-7]+$/.test(text)) throw nonOctal(text);
    const mode = Number.parseInt(text, 8);
    if (mode > 0o7777) throw nonOctal(text);
    return { kind: 'octal', mode, text };
  }
  const clauses = parseClauses(text);
  return {
    kind: 'symbolic',
    text,
    apply: (mode, isDir) => clauses.reduce((m, clause) => applyClause(m, mode, isDir, clause), mode & 0o7777),
  };
}

/** The permission bits a copied entry ends with. */
export function applyChmod(spec: ChmodSpec | undefined, mode: number, isDir: boolean): number {
  if (spec === undefined) return mode & 0o7777;
  return spec.kind === 'octal' ? spec.mode : spec.apply(mode, isDir);
}
