import { BuildError, spanRange } from '../../errors/index.js';
import type { DirectiveNode, ParseWarning } from './ast.js';
import { isRegexpSpace, leadingSpaceLength } from './go-text.js';

/** The parser directives BuildKit knows; any other `# name=value` ends the directive block. */
export const DIRECTIVE_NAMES: readonly string[] = ['syntax', 'escape', 'check'];

/** The warning rule for a `# syntax=` naming a frontend other than docker/dockerfile 1.x. */
export const UNSUPPORTED_SYNTAX_RULE = 'UnsupportedSyntax';

interface DirectiveMatch {
  readonly key: string;
  /** Offsets of the value inside the text after `#`. */
  readonly valueStart: number;
  readonly value: string;
}

/**
 * Matches BuildKit's directive pattern `^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` on the text
 * after the `#` and its leading spaces. Written by hand to stay linear; when only spaces follow
 * the `=`, the lazy group still takes one character (the last space), as the pattern does.
 */
function matchDirective(body: string): DirectiveMatch | undefined {
  const isAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
  if (body.length === 0 || !isAlpha(body.charCodeAt(0))) return undefined;
  let i = 1;
  while (i < body.length && (isAlpha(body.charCodeAt(i)) || isDigit(body.charCodeAt(i)))) i++;
  const key = body.slice(0, i);
  while (i < body.length && isRegexpSpace(body.charCodeAt(i))) i++;
  if (body.charCodeAt(i) !== 0x3d /* = */) return undefined;
  const afterEquals = i + 1;
  let j = afterEquals;
  while (j < body.length && isRegexpSpace(body.charCodeAt(j))) j++;
  if (j === body.length) {
    if (j === afterEquals) return undefined;
    return { key, valueStart: body.length - 1, value: body.slice(-1) };
  }
  let end = body.length;
  while (end > j && isRegexpSpace(body.charCodeAt(end - 1))) end--;
  return { key, valueStart: j, value: body.slice(j, end) };
}

/**
 * Reads parser directives from the top of a Dockerfile, one line at a time, with BuildKit's
 * rules: directives are `#` comments of the form `name=value` before anything else; the first
 * line that is not one (an instruction, a blank line, any other comment, an unknown name) ends
 * the block for good; a name may appear once.
 */
export class DirectiveReader {
  private done = false;
  private readonly seen = new Set<string>();
  private readonly file: string | undefined;

  constructor(file: string | undefined) {
    this.file = file;
  }

  /**
   * Looks at one line (`text` is the line with its leading spaces removed, which start at
   * `column`). Returns the directive it holds, or undefined.
   */
  read(text: string, line: number, column: number): DirectiveNode | undefined {
    if (this.done) return undefined;
    if (!text.startsWith('#')) {
      this.done = true;
      return undefined;
    }
    const skipped = leadingSpaceLength(text.slice(1));
    const bodyStart = 1 + skipped;
    const match = matchDirective(text.slice(bodyStart));
    const name = match?.key.toLowerCase();
    if (match === undefined || name === undefined || !DIRECTIVE_NAMES.includes(name)) {
      this.done = true;
      return undefined;
    }
    const valueColumn = column + bodyStart + match.valueStart;
    if (this.seen.has(name)) {
      throw new BuildError('INVALID_DIRECTIVE', `only one ${name} parser directive can be used`, {
        locations: [spanRange(line, column, text.length)],
        ...(this.file !== undefined ? { file: this.file } : {}),
        hint: `remove the second "# ${name}=" line`,
      });
    }
    this.seen.add(name);
    if (name === 'escape' && match.value !== '\\' && match.value !== '`') {
      throw new BuildError(
        'INVALID_DIRECTIVE',
        `invalid escape token '${match.value}' does not match \` or \\`,
        {
          locations: [spanRange(line, valueColumn, match.value.length)],
          ...(this.file !== undefined ? { file: this.file } : {}),
          hint: 'the escape directive accepts only a backslash (\\) or a backtick (`)',
          details: { directive: name, value: match.value },
        },
      );
    }
    return { name, value: match.value, range: spanRange(line, column, text.length) };
  }
}

/**
 * A warning when `# syntax=` names anything but a docker/dockerfile 1.x frontend: stagecraft
 * parses the Dockerfile itself and cannot load another frontend. Like BuildKit, only the value's
 * first space-separated word is the image reference.
 */
export function checkSyntaxDirective(directive: DirectiveNode): ParseWarning | undefined {
  const image = directive.value.split(' ')[0] ?? '';
  if (isDockerfileV1(image)) return undefined;
  return {
    rule: UNSUPPORTED_SYNTAX_RULE,
    message:
      `the syntax directive names "${image}"; stagecraft always parses with its built-in ` +
      'Dockerfile 1.x syntax and does not load other frontends',
    range: directive.range,
  };
}

const DOCKERFILE_V1 =
  /^(?:(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\/)?docker\/dockerfile(?::(?:latest|labs|1(?:\.\d+){0,2}(?:-[a-z0-9][a-z0-9.-]*)?))?(?:@sha256:[0-9a-f]{64})?$/;

function isDockerfileV1(image: string): boolean {
  return DOCKERFILE_V1.test(image);
}
