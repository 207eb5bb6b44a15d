import type { InstructionNode } from '../syntax/ast.js';
import type { CommandLine, ShellInlineFile } from './base.js';

/**
 * The command of RUN, CMD or ENTRYPOINT: exec form keeps the JSON array's strings, shell form is
 * one string (BuildKit's handleJSONArgs joins shell words with spaces).
 */
export function commandLineOf(node: InstructionNode, args: readonly string[] = node.args): CommandLine {
  const files: ShellInlineFile[] = node.heredocs.map((h) => ({
    name: h.name,
    data: h.content,
    chomp: h.chomp,
    expand: h.expand,
    fileDescriptor: h.fileDescriptor,
  }));
  return { args: joinShellArgs(args, node.json), prependShell: !node.json, files };
}

export function joinShellArgs(args: readonly string[], json: boolean): readonly string[] {
  if (args.length === 0) return [];
  if (json) return [...args];
  return [args.join(' ')];
}
