import type { HostBuffer } from '@momento-functions/bytes';

/**
 * A host `buffer` resource for unit tests: serves the given chunks one per read (a read returns at
 * most `maxSize` bytes of the current chunk, like a streaming host body) and records every read size.
 */
export class ChunkedHostBuffer implements HostBuffer {
  readonly reads: number[] = [];
  #chunks: Uint8Array[];
  constructor(chunks: (Uint8Array | string)[]) {
    this.#chunks = chunks.map((c) => (typeof c === 'string' ? new TextEncoder().encode(c) : c));
  }
  remaining(): number {
    return this.#chunks[0]?.length ?? 0;
  }
  read(maxSize: number): Uint8Array | undefined {
    this.reads.push(maxSize);
    const head = this.#chunks[0];
    if (head === undefined) return undefined;
    if (head.length <= maxSize) {
      this.#chunks.shift();
      return head;
    }
    this.#chunks[0] = head.subarray(maxSize);
    return head.subarray(0, maxSize);
  }
  advance(size: number): void {
    throw new Error(`advance(${size}) is never called by the guest libraries`);
  }
}
