import type { StageCommand } from '../instructions/index.js';

/** A word BuildKit expands against the stage's variables before it runs an instruction. */
export interface ExpandableWord {
  readonly text: string;
  /**
   * A heredoc body: expanded with `\` as the escape character and quotes kept as they are
   * (BuildKit's ExpandRaw), not with the Dockerfile's word rules.
   */
  readonly raw: boolean;
}

/** Splits a `--mount` value into its comma-separated fields (double quotes group, `""` is a quote). */
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
      } else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(current);
      current = '';
    } else current += ch;
  }
  fields.push(current);
  return fields;
}

function words(...texts: readonly (string | undefined)[]): ExpandableWord[] {
  return texts.filter((text): text is string => text !== undefined).map((text) => ({ text, raw: false }));
}

/**
 * The words of an instruction that BuildKit variable-expands when it dispatches it, which are the
 * words the UndefinedVar rule looks at: ENV/LABEL keys and values, COPY/ADD flags, sources,
 * destination and heredoc bodies, WORKDIR, USER, VOLUME, STOPSIGNAL, and the values of RUN
 * `--mount` options. Shell-form commands are left to the shell; ARG is handled on its own; EXPOSE
 * is expanded without the check.
 */
export function expandableWords(instruction: StageCommand): ExpandableWord[] {
  switch (instruction.kind) {
    case 'env':
      return words(...instruction.env.flatMap((pair) => [pair.key, pair.value]));
    case 'label':
      return words(...instruction.labels.flatMap((pair) => [pair.key, pair.value]));
    case 'copy':
    case 'add': {
      const flags =
        instruction.kind === 'add'
          ? words(instruction.chown, instruction.chmod, instruction.checksum)
          : words(instruction.chown, instruction.chmod);
      const bodies = instruction.contents
        .filter((content) => content.expand)
        .map((content): ExpandableWord => ({ text: content.data, raw: true }));
      return [...flags, ...words(...instruction.sources, instruction.destination), ...bodies];
    }
    case 'workdir':
      return words(instruction.path);
    case 'user':
      return words(instruction.user);
    case 'volume':
      return words(...instruction.volumes);
    case 'stopsignal':
      return words(instruction.signal);
    case 'run':
      return words(
        ...instruction.mounts.flatMap((mount) =>
          csvFields(mount.text).flatMap((field) => {
            const eq = field.indexOf('=');
            return eq === -1 ? [] : [field.slice(eq + 1)];
          }),
        ),
      );
    default:
      return [];
  }
}
