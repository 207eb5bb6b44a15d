import type { RunMount } from '../dockerfile/instructions/index.js';

/**
 * The `from=` of a `--mount`, read before variables are known (BuildKit forbids variables in it,
 * which the instruction parser has checked): from the parsed mount when there is one, else from
 * the CSV text. Undefined (or empty) means the build context or nothing.
 */
export function mountFromOf(mount: RunMount): string | undefined {
  if (mount.mount !== undefined) return mount.mount.from;
  for (const field of csvFields(mount.text)) {
    const eq = field.indexOf('=');
    if (eq !== -1 && field.slice(0, eq).toLowerCase() === 'from') {
      const value = field.slice(eq + 1);
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}

/** Splits CSV fields, honouring double quotes (`""` is a literal quote inside them). */
function csvFields(text: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (quoted) {
      if (ch === '"' && text.charAt(i + 1) === '"') {
        current += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        current += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      fields.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  fields.push(current);
  return fields;
}
