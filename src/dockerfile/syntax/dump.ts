import type { DockerfileAst, InstructionNode } from './ast.js';
import { goQuote } from './go-quote.js';

/**
 * One instruction as BuildKit's Node.Dump prints it: the lowercased name, the flags as a Go
 * `%q` string slice, then each argument Go-quoted; ONBUILD's trigger is printed nested in
 * parentheses.
 */
export function dumpInstruction(node: InstructionNode): string {
  let out = node.keyword;
  if (node.flags.length > 0) out += ` [${node.flags.map((flag) => goQuote(flag.text)).join(' ')}]`;
  if (node.nested !== undefined) return `${out} (${dumpInstruction(node.nested)})`;
  for (const arg of node.args) out += ` ${goQuote(arg)}`;
  return out;
}

/**
 * The AST in the format of BuildKit's parser test `result` files: one parenthesised line per
 * instruction, ending with a newline.
 */
export function dumpAst(ast: DockerfileAst): string {
  return ast.instructions.map((node) => `(${dumpInstruction(node)})\n`).join('');
}
