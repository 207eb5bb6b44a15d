import type { LogStream } from './build-event.js';

type Decoder = InstanceType<typeof TextDecoder>;

/** One line of a step's output (without its newline), stamped with when its first byte arrived. */
export interface LogLine {
  readonly time: number;
  readonly stream: LogStream;
  readonly text: string;
}

/**
 * Turns a step's output chunks into lines. Bytes are decoded as UTF-8 per stream, so a character
 * cut between two chunks comes out whole; like BuildKit, both streams share one line buffer (a line
 * begun on stdout and finished on stderr is one line).
 */
export class LineAssembler {
  readonly #decoders = new Map<LogStream, Decoder>();
  #partial: { text: string; time: number; stream: LogStream } | undefined;

  /** The line begun but not ended yet, if any. */
  get partial(): LogLine | undefined {
    return this.#partial;
  }

  /** Adds a chunk; returns the lines it completed. */
  push(stream: LogStream, data: Uint8Array | string, time: number): LogLine[] {
    const text = typeof data === 'string' ? data : this.#decoder(stream).decode(data, { stream: true });
    return this.#add(stream, text, time);
  }

  /** Ends the output: any bytes held by a decoder and the unfinished line come out as a last line. */
  flush(time: number): LogLine[] {
    const lines: LogLine[] = [];
    for (const [stream, decoder] of this.#decoders) {
      const rest = decoder.decode();
      if (rest !== '') lines.push(...this.#add(stream, rest, time));
    }
    this.#decoders.clear();
    if (this.#partial !== undefined) {
      lines.push(this.#partial);
      this.#partial = undefined;
    }
    return lines;
  }

  #decoder(stream: LogStream): Decoder {
    let decoder = this.#decoders.get(stream);
    if (decoder === undefined) {
      decoder = new TextDecoder('utf-8');
      this.#decoders.set(stream, decoder);
    }
    return decoder;
  }

  #add(stream: LogStream, text: string, time: number): LogLine[] {
    if (text === '') return [];
    const pieces = text.split('\n');
    const lines: LogLine[] = [];
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i] ?? '';
      const last = i === pieces.length - 1;
      const begun = this.#partial;
      const line = begun === undefined ? { text: piece, time, stream } : { ...begun, text: begun.text + piece };
      if (last) {
        this.#partial = line.text === '' ? undefined : line;
      } else {
        lines.push(line);
        this.#partial = undefined;
      }
    }
    return lines;
  }
}
