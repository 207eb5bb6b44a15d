import type { SourceRange } from '../../errors/index.js';

/**
 * The syntax tree of a Dockerfile, as BuildKit's parser (frontend/dockerfile/parser) builds it:
 * one node per instruction, its arguments split by the instruction's own rule, its flags kept as
 * written. Nothing here is expanded or validated beyond syntax; see ../instructions for that.
 */

/** A heredoc body attached to an instruction (`RUN <<EOF`, `COPY <<a <<b /dst/`). */
export interface HeredocNode {
  /** The delimiter word, without quotes or `-`. */
  readonly name: string;
  /** The body, with a trailing newline after the last line; tabs stripped for `<<-`. */
  readonly content: string;
  /** False when the delimiter was quoted (`<<"EOF"`, `<<'EOF'`): the body is not expanded. */
  readonly expand: boolean;
  /** True for `<<-`: leading tabs were stripped from every line of `content`. */
  readonly chomp: boolean;
  /** The file descriptor it was written for (`3<<EOF`), 0 (stdin) by default. */
  readonly fileDescriptor: number;
  /** The body's lines and the terminator line. */
  readonly range: SourceRange;
}

/** One `--name=value` (or bare `--name`) flag as written before an instruction's arguments. */
export interface FlagToken {
  /** The flag text exactly as written, e.g. `--from=builder`. */
  readonly text: string;
  readonly range: SourceRange;
}

export interface InstructionNode {
  /** The instruction name, lowercased (`run`, `copy`, ...). */
  readonly keyword: string;
  /** The instruction name as written (`Run`), for casing checks. */
  readonly keywordText: string;
  readonly keywordRange: SourceRange;
  readonly flags: readonly FlagToken[];
  /**
   * The arguments, split the way BuildKit's per-instruction parse functions split them:
   * exec (JSON) form gives the array's strings; shell form one string; ENV/LABEL give
   * key, value, separator triples; FROM gives image [AS name]; and so on. ONBUILD gives the
   * trigger's name as written followed by the trigger's args (BuildKit's nodeArgs).
   */
  readonly args: readonly string[];
  /** True when the arguments were written in exec (JSON array) form. */
  readonly json: boolean;
  /** The instruction nested in ONBUILD (`ONBUILD RUN x`), if any. */
  readonly nested?: InstructionNode;
  /** For `ONBUILD RUN <<EOF`, on the ONBUILD node (as BuildKit), not on `nested`. */
  readonly heredocs: readonly HeredocNode[];
  /** The instruction's text with continuations joined, as BuildKit's `Original`. */
  readonly original: string;
  /** From the first to the last source line of the instruction (heredoc bodies included). */
  readonly range: SourceRange;
  /** Comment lines directly above the instruction (without `#`), oldest first. */
  readonly comments: readonly string[];
}

/** A parser directive (`# syntax=...`, `# escape=...`, `# check=...`). */
export interface DirectiveNode {
  readonly name: string;
  readonly value: string;
  readonly range: SourceRange;
}

/** Something legal but suspicious the parser noticed (an empty continuation line, say). */
export interface ParseWarning {
  readonly message: string;
  readonly range: SourceRange;
  /** A short stable identifier, e.g. `EmptyContinuation`. */
  readonly rule: string;
}

export interface DockerfileAst {
  readonly directives: readonly DirectiveNode[];
  readonly escapeChar: '\\' | '`';
  readonly instructions: readonly InstructionNode[];
  readonly warnings: readonly ParseWarning[];
}
