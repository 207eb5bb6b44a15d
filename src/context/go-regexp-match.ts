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

const isWordChar = (cp: number): boolean =>
  (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x5f;

const KIND_CHAR = 0;
const KIND_ASSERT = 1;
const KIND_SPLIT = 2;
const KIND_JUMP = 3;
const KIND_MATCH = 4;
const ASSERTIONS = ['begin', 'end', 'word', 'not-word'] as const;

export class CompiledRegexp {
  // The NFA in flat arrays, and scratch space reused by every call (a regexp is not reentrant).
  private readonly kind: Uint8Array;
  private readonly next: Int32Array;
  private readonly alt: Int32Array;
  private readonly sets: (CharSet | undefined)[];
  /** Each char state's answers for ASCII, precomputed: 128 bytes per state. */
  private readonly ascii: Uint8Array;
  private readonly start: number;
  private readonly seen: Uint32Array;
  private generation = 0;
  private readonly stack: number[] = [];
  private current: Int32Array;
  private following: Int32Array;

  constructor(node: RegexNode) {
    const compiler = new Compiler();
    const fragment = compiler.compile(node);
    const match = compiler.states.length;
    compiler.states.push({ kind: 'match' });
    for (const hole of fragment.holes) {
      const state = compiler.states[hole];
      if (state !== undefined && state.kind !== 'match') state.next = match;
    }
    const count = compiler.states.length;
    this.kind = new Uint8Array(count);
    this.next = new Int32Array(count);
    this.alt = new Int32Array(count);
    this.sets = new Array<CharSet | undefined>(count);
    this.ascii = new Uint8Array(count * 128);
    compiler.states.forEach((state, index) => {
      switch (state.kind) {
        case 'char':
          this.kind[index] = KIND_CHAR;
          this.next[index] = state.next;
          this.sets[index] = state.set;
          for (let cp = 0; cp < 128; cp++) this.ascii[index * 128 + cp] = state.set(cp) ? 1 : 0;
          break;
        case 'assert':
          this.kind[index] = KIND_ASSERT;
          this.next[index] = state.next;
          this.alt[index] = ASSERTIONS.indexOf(state.what);
          break;
        case 'split':
          this.kind[index] = KIND_SPLIT;
          this.next[index] = state.next;
          this.alt[index] = state.alt;
          break;
        case 'jump':
          this.kind[index] = KIND_JUMP;
          this.next[index] = state.next;
          break;
        case 'match':
          this.kind[index] = KIND_MATCH;
          break;
      }
    });
    this.start = fragment.start;
    this.seen = new Uint32Array(count);
    this.current = new Int32Array(count);
    this.following = new Int32Array(count);
  }

  /** Whether the regexp matches anywhere in `text` (Go's MatchString). */
  test(text: string): boolean {
    if (this.generation > 0xfffff000 - text.length) {
      this.seen.fill(0);
      this.generation = 0;
    }
    this.generation++;
    let size = this.addState(this.start, text, 0, -1, this.current, 0);
    if (size < 0) return true;
    for (let pos = 0; pos < text.length; ) {
      const cp = text.codePointAt(pos) ?? 0;
      const after = pos + (cp > 0xffff ? 2 : 1);
      this.generation++;
      let nextSize = 0;
      for (let k = 0; k < size; k++) {
        const index = this.current[k] as number;
        const accepts = cp < 128 ? this.ascii[index * 128 + cp] === 1 : (this.sets[index] as CharSet)(cp);
        if (accepts) {
          nextSize = this.addState(this.next[index] as number, text, after, cp, this.following, nextSize);
          if (nextSize < 0) return true;
        }
      }
      // Unanchored search: a match may also start at the next position.
      nextSize = this.addState(this.start, text, after, cp, this.following, nextSize);
      if (nextSize < 0) return true;
      [this.current, this.following] = [this.following, this.current];
      size = nextSize;
      pos = after;
    }
    return false;
  }

  /**
   * Adds `index` and its epsilon closure at `pos` to `list` (holding `size` states); returns the
   * new size, or -1 as soon as the match state is reached. `before` is the code point before
   * `pos` (-1 at the start), for word boundaries.
   */
  private addState(index: number, text: string, pos: number, before: number, list: Int32Array, size: number): number {
    const stack = this.stack;
    stack.length = 0;
    stack.push(index);
    let top = stack.pop();
    while (top !== undefined) {
      if (this.seen[top] !== this.generation) {
        this.seen[top] = this.generation;
        switch (this.kind[top]) {
          case KIND_MATCH:
            return -1;
          case KIND_CHAR:
            list[size++] = top;
            break;
          case KIND_JUMP:
            stack.push(this.next[top] as number);
            break;
          case KIND_SPLIT:
            stack.push(this.alt[top] as number, this.next[top] as number);
            break;
          case KIND_ASSERT:
            if (assertionHolds(this.alt[top] as number, text, pos, before)) stack.push(this.next[top] as number);
            break;
        }
      }
      top = stack.pop();
    }
    return size;
  }
}

function assertionHolds(what: number, text: string, pos: number, before: number): boolean {
  if (what === 0) return pos === 0;
  if (what === 1) return pos === text.length;
  const after = pos < text.length ? (text.codePointAt(pos) ?? -1) : -1;
  const boundary = (before >= 0 && isWordChar(before)) !== (after >= 0 && isWordChar(after));
  return what === 2 ? boundary : !boundary;
}
