import type { CharSet, RegexNode } from './go-regexp-parse.js';

/**
 * A compiled regexp: a Thompson NFA simulated over the code points of the input, so matching is
 * linear in the input for any pattern (as Go's engine is), with no backtracking blow-up on
 * patterns such as `*a*a*a*a*b`.
 */
type State =
  | { kind: 'char'; set: CharSet; next: number }
  | { kind: 'assert'; what: 'begin' | 'end' | 'word' | 'not-word'; next: number }
  | { kind: 'split'; next: number; alt: number }
  | { kind: 'jump'; next: number }
  | { kind: 'match' };

interface Fragment {
  readonly start: number;
  /** States whose `next` must be patched to what follows the fragment. */
  readonly holes: number[];
}

class Compiler {
  readonly states: State[] = [];

  private add(state: State): number {
    this.states.push(state);
    return this.states.length - 1;
  }

  private patch(holes: readonly number[], target: number): void {
    for (const hole of holes) {
      const state = this.states[hole];
      if (state !== undefined && state.kind !== 'match') state.next = target;
    }
  }

  compile(node: RegexNode): Fragment {
    switch (node.kind) {
      case 'char': {
        const s = this.add({ kind: 'char', set: node.set, next: -1 });
        return { start: s, holes: [s] };
      }
      case 'assert': {
        const s = this.add({ kind: 'assert', what: node.what, next: -1 });
        return { start: s, holes: [s] };
      }
      case 'seq': {
        if (node.items.length === 0) {
          const s = this.add({ kind: 'jump', next: -1 });
          return { start: s, holes: [s] };
        }
        let first: Fragment | undefined;
        let holes: number[] = [];
        for (const item of node.items) {
          const fragment = this.compile(item);
          if (first === undefined) first = fragment;
          else this.patch(holes, fragment.start);
          holes = fragment.holes;
        }
        return { start: (first as Fragment).start, holes };
      }
      case 'alt': {
        const fragments = node.options.map((option) => this.compile(option));
        let start = (fragments[fragments.length - 1] as Fragment).start;
        for (let k = fragments.length - 2; k >= 0; k--) {
          start = this.add({ kind: 'split', next: (fragments[k] as Fragment).start, alt: start });
        }
        return { start, holes: fragments.flatMap((f) => f.holes) };
      }
      case 'repeat':
        return this.compileRepeat(node.node, node.min, node.max);
    }
  }

  /** x{min,max}: min copies of x, then x* (unbounded) or (max - min) optional copies. */
  private compileRepeat(node: RegexNode, min: number, max: number): Fragment {
    const parts: Fragment[] = [];
    for (let k = 0; k < min; k++) parts.push(this.compile(node));
    if (max === Infinity) {
      const body = this.compile(node);
      const loop = this.add({ kind: 'split', next: body.start, alt: -1 });
      this.patch(body.holes, loop);
      const exit = this.add({ kind: 'jump', next: -1 });
      (this.states[loop] as { alt: number }).alt = exit;
      parts.push({ start: loop, holes: [exit] });
    } else {
      for (let k = min; k < max; k++) {
        const body = this.compile(node);
        const exit = this.add({ kind: 'jump', next: -1 });
        const split = this.add({ kind: 'split', next: body.start, alt: exit });
        parts.push({ start: split, holes: [...body.holes, exit] });
      }
    }
    if (parts.length === 0) {
      const empty = this.add({ kind: 'jump', next: -1 });
      return { start: empty, holes: [empty] };
    }
    for (let k = 1; k < parts.length; k++) this.patch((parts[k - 1] as Fragment).holes, (parts[k] as Fragment).start);
    return { start: (parts[0] as Fragment).start, holes: (parts[parts.length - 1] as Fragment).holes };
  }
}

const isWordChar = (cp: number | undefined): boolean =>
  cp !== undefined &&
  ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x5f);

export class CompiledRegexp {
  private readonly states: readonly State[];
  private readonly start: number;

  constructor(node: RegexNode) {
    const compiler = new Compiler();
    const fragment = compiler.compile(node);
    const match = compiler.states.length;
    compiler.states.push({ kind: 'match' });
    for (const hole of fragment.holes) {
      const state = compiler.states[hole];
      if (state !== undefined && state.kind !== 'match') state.next = match;
    }
    this.states = compiler.states;
    this.start = fragment.start;
  }

  /** Whether the regexp matches anywhere in `text` (Go's MatchString). */
  test(text: string): boolean {
    const cps = Array.from(text, (ch) => ch.codePointAt(0) ?? 0);
    const seen = new Uint32Array(this.states.length);
    let generation = 1;
    let current: number[] = [];
    if (this.addState(this.start, 0, cps, current, seen, generation)) return true;
    for (let pos = 0; pos < cps.length; pos++) {
      const cp = cps[pos] as number;
      const next: number[] = [];
      generation++;
      for (const index of current) {
        const state = this.states[index];
        if (state?.kind === 'char' && state.set(cp)) {
          if (this.addState(state.next, pos + 1, cps, next, seen, generation)) return true;
        }
      }
      // Unanchored search: a match may also start at the next position.
      if (this.addState(this.start, pos + 1, cps, next, seen, generation)) return true;
      current = next;
    }
    return false;
  }

  /** Adds a state and its epsilon closure; true as soon as the match state is reached. */
  private addState(
    index: number,
    pos: number,
    cps: readonly number[],
    list: number[],
    seen: Uint32Array,
    generation: number,
  ): boolean {
    const stack = [index];
    for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
      if (seen[top] === generation) continue;
      seen[top] = generation;
      const state = this.states[top];
      if (state === undefined) continue;
      switch (state.kind) {
        case 'match':
          return true;
        case 'char':
          list.push(top);
          break;
        case 'jump':
          stack.push(state.next);
          break;
        case 'split':
          stack.push(state.alt, state.next);
          break;
        case 'assert':
          if (assertionHolds(state.what, pos, cps)) stack.push(state.next);
          break;
      }
    }
    return false;
  }
}

function assertionHolds(what: 'begin' | 'end' | 'word' | 'not-word', pos: number, cps: readonly number[]): boolean {
  switch (what) {
    case 'begin':
      return pos === 0;
    case 'end':
      return pos === cps.length;
    case 'word':
    case 'not-word': {
      const boundary = isWordChar(cps[pos - 1]) !== isWordChar(cps[pos]);
      return what === 'word' ? boundary : !boundary;
    }
  }
}
