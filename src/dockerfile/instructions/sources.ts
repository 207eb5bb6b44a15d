/** An inline file given as a heredoc source of COPY/ADD (`COPY <<EOF /dst`). */
export interface InlineSource {
  /** The file name: the heredoc's delimiter word. */
  readonly path: string;
  /** The body (tabs already stripped for `<<-`). */
  readonly data: string;
  /** False when the delimiter was quoted: the body must not be variable-expanded. */
  readonly expand: boolean;
}

/** The operands of COPY and ADD: every word but the last is a source, the last the destination. */
export interface SourcesAndDest {
  /** Source paths or URLs, in order, unexpanded (heredoc sources excluded). */
  readonly sources: readonly string[];
  /** Heredoc sources, in order. */
  readonly contents: readonly InlineSource[];
  readonly destination: string;
}
