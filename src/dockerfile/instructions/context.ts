/** What parsing an instruction needs to know about the Dockerfile around it. */
export interface ParseContext {
  /** The escape character (`\` or the `# escape=` directive's), for unquoting flag words. */
  readonly escapeChar: string;
}

export const DEFAULT_CONTEXT: ParseContext = { escapeChar: '\\' };
