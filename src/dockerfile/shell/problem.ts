/**
 * A failure inside the lexer. It never leaves this folder: expandWord turns it into a
 * BuildError (EXPANSION_FAILED) naming the whole word.
 */
export class ExpansionProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpansionProblem';
  }
}
