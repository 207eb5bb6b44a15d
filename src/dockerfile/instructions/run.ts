import type { SourceRange } from '../../errors/index.js';
import type { InstructionNode } from '../syntax/ast.js';
import type { CommandLine, InstructionBase, ShellInlineFile } from './base.js';
import { commandLineOf } from './command-line.js';
import { failAt } from './fail.js';
import { parseFlags } from './flags.js';
import { parseHeredocWord } from './heredoc-word.js';
import type { Mount } from './mount.js';
import { checkMountBeforeExpansion, parseMount } from './parse-mount.js';

export type NetworkMode = 'default' | 'none' | 'host';
export type SecurityMode = 'sandbox' | 'insecure';

/** One `--mount=<csv>` flag of a RUN. */
export interface RunMount {
  /** The flag's value (the CSV text after `--mount=`), unquoted as BuildKit's flag reader does. */
  readonly text: string;
  /** The range of the `--mount=...` flag token. */
  readonly range: SourceRange;
  /**
   * The mount as written, parsed and validated now when the text holds no `$`; undefined when it
   * does. For building, always use `resolveRunMount(s)` with the stage's expander: BuildKit
   * expands every value at dispatch (which also removes shell quotes and escapes).
   */
  readonly mount: Mount | undefined;
}

/** `RUN [--mount=...] [--network=...] [--security=...] <command>` */
export interface RunInstruction extends InstructionBase<'run'> {
  readonly command: CommandLine;
  readonly mounts: readonly RunMount[];
  readonly network: NetworkMode;
  readonly security: SecurityMode;
  /** Names of the flags written (without `--`), in order of first use, e.g. `['mount', 'network']`. */
  readonly flagsUsed: readonly string[];
}

export const RUN_FLAGS = { mount: 'strings', network: 'string', security: 'string' } as const;

const NETWORK_MODES: readonly NetworkMode[] = ['default', 'none', 'host'];
const SECURITY_MODES: readonly SecurityMode[] = ['sandbox', 'insecure'];

export function parseRun(node: InstructionNode): RunInstruction {
  const flags = parseFlags(node, RUN_FLAGS);
  const command = commandLineOf(node);
  if (command.files.length > 0 && (command.args.length !== 1 || !command.prependShell)) {
    throw failAt('INVALID_INSTRUCTION', 'heredocs can only be used with the shell form of RUN', node.range);
  }
  const mountTokens = flags.tokens('mount');
  const mounts = flags.strings('mount').map((text, i): RunMount => {
    const range = (mountTokens[i] ?? { range: node.range }).range;
    if (text.includes('$')) {
      checkMountBeforeExpansion(text, range);
      return { text, range, mount: undefined };
    }
    return { text, range, mount: parseMount(text, { range }) };
  });
  const networkText = flags.string('network') ?? 'default';
  const network = NETWORK_MODES.find((mode) => mode === networkText);
  if (network === undefined) {
    throw failAt('INVALID_FLAG_VALUE', `invalid network mode ${JSON.stringify(networkText)}`, tokenRange(flags.tokens('network')[0], node), {
      hint: `use one of: ${NETWORK_MODES.join(', ')}`,
      details: { flag: '--network', value: networkText },
    });
  }
  const securityText = flags.string('security') ?? 'sandbox';
  const security = SECURITY_MODES.find((mode) => mode === securityText);
  if (security === undefined) {
    throw failAt('INVALID_FLAG_VALUE', `security ${JSON.stringify(securityText)} is not valid`, tokenRange(flags.tokens('security')[0], node), {
      hint: `use one of: ${SECURITY_MODES.join(', ')}`,
      details: { flag: '--security', value: securityText },
    });
  }
  return { kind: 'run', range: node.range, node, command, mounts, network, security, flagsUsed: flags.used };
}

function tokenRange(token: { readonly range: SourceRange } | undefined, node: InstructionNode): SourceRange {
  return token?.range ?? node.range;
}

/**
 * How a RUN with heredocs runs, as BuildKit decides:
 * - `script`: the command is only a heredoc (`RUN <<EOF`); its body is the script. With a `#!`
 *   line (and a Linux image) BuildKit writes it to a file and executes it; otherwise the body is
 *   run by the shell as the command.
 * - `fed`: the heredocs feed a program (`RUN python3 <<EOF`); the command line and the bodies,
 *   each followed by its delimiter, are given to the shell as one script.
 */
export type RunHeredoc =
  | { readonly kind: 'script'; readonly file: ShellInlineFile; readonly shebang: boolean }
  | { readonly kind: 'fed'; readonly script: string };

export function runHeredoc(command: CommandLine): RunHeredoc | undefined {
  const [first] = command.files;
  const [line] = command.args;
  if (first === undefined || line === undefined) return undefined;
  if (parseHeredocWord(line) !== undefined) {
    return { kind: 'script', file: first, shebang: first.data.startsWith('#!') };
  }
  let script = line;
  for (const file of command.files) script += `\n${file.data}${file.name}`;
  return { kind: 'fed', script };
}
