import type { HostBuffer } from '../src/index.js';

/** The symbol componentize-js uses to drop a resource handle. */
export const DISPOSE: symbol = Symbol.dispose ?? Symbol.for('dispose');

/**
 * A host buffer for tests: serves a scripted sequence of arrivals. Each arrival becomes readable only
 * after the previous bytes were read, so `remaining()` can be 0 while more data is still coming
 * (a streaming body). Every call is recorded.
 */
export class FakeHostBuffer implements HostBuffer {
  readonly calls: string[] = [];
  disposed = 0;
  #arrivals: Uint8Array[];
  #current: Uint8Array = new Uint8Array(0);
  #offset = 0;
  readonly maxChunk: number;

  constructor(arrivals: Uint8Array[] | Uint8Array | string, options: { maxChunk?: number } = {}) {
    const list =
      typeof arrivals === 'string'
        ? [new TextEncoder().encode(arrivals)]
        : arrivals instanceof Uint8Array
          ? [arrivals]
          : arrivals;
    this.#arrivals = [...list];
    // The first arrival is there from the start; later ones arrive only once the previous one was read.
    this.#current = this.#arrivals.shift() ?? new Uint8Array(0);
    this.maxChunk = options.maxChunk ?? Number.POSITIVE_INFINITY;
  }

  remaining(): number {
    const n = this.#current.length - this.#offset;
    this.calls.push(`remaining=${n}`);
    return n;
  }

  read(maxSize: number): Uint8Array | undefined {
    this.calls.push(`read(${maxSize})`);
    if (!Number.isInteger(maxSize) || maxSize < 1 || maxSize > 0xffffffff)
      throw new Error(`bad max-size ${maxSize}`);
    while (this.#offset >= this.#current.length) {
      const next = this.#arrivals.shift();
      if (next === undefined) return undefined;
      this.#current = next;
      this.#offset = 0;
    }
    const n = Math.min(maxSize, this.maxChunk, this.#current.length - this.#offset);
    const chunk = this.#current.slice(this.#offset, this.#offset + n);
    this.#offset += n;
    return chunk;
  }

  advance(size: number): void {
    this.calls.push(`advance(${size})`);
    this.#offset = Math.min(this.#current.length, this.#offset + size);
  }

  [DISPOSE](): void {
    this.disposed++;
  }
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
export const ascii = (bytes: Uint8Array | undefined): string | undefined =>
  bytes === undefined ? undefined : new TextDecoder().decode(bytes);
