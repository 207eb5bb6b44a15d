/**
 * Dockerfile syntax: text in, a syntax tree with exact source ranges out. Pure (no I/O).
 *
 * The rules are BuildKit's (frontend/dockerfile/parser), reproduced case by case and checked
 * against its conformance data (test/corpus/buildkit/parser). Decisions where we had a choice:
 *
 * - Unknown instruction names are rejected here, with UNKNOWN_INSTRUCTION at the name's range
 *   and a "did you mean ...?" hint. BuildKit's parser accepts any word and its instructions layer
 *   rejects it, so the error is raised only after the whole file has parsed: a syntax error later
 *   in the file still wins, as in BuildKit. The trigger of ONBUILD is not checked (BuildKit keeps
 *   it as text until a child image runs it); `ONBUILD ONBUILD` is rejected the same deferred way.
 * - HeredocNode.content is already tab-stripped for `<<-` (BuildKit strips later, at use).
 * - ONBUILD's args are the trigger's name followed by its arguments (BuildKit's nodeArgs); the
 *   trigger itself is `nested`; heredocs of `ONBUILD RUN <<EOF` sit on the ONBUILD node.
 * - Columns count UTF-16 code units from 1. A byte-order mark is not a column.
 * - Known deviation: BuildKit reads flags (`--x=y`) and the HEALTHCHECK type byte by byte, which
 *   garbles non-ASCII characters there; we read them as characters.
 */
export { parseDockerfile, EMPTY_CONTINUATION_RULE } from './parser.js';
export type { ParseOptions } from './parser.js';
export { dumpAst, dumpInstruction } from './dump.js';
export { INSTRUCTION_KEYWORDS } from './arguments.js';
export { DIRECTIVE_NAMES, UNSUPPORTED_SYNTAX_RULE } from './directives.js';
export { HEREDOC_KEYWORDS, chompHeredocContent, parseHeredocMarker } from './heredoc.js';
export { goQuote } from './go-quote.js';
export type {
  DirectiveNode,
  DockerfileAst,
  FlagToken,
  HeredocNode,
  InstructionNode,
  ParseWarning,
} from './ast.js';
