/**
 * A body the host produces while it arrives (for example an HTTP response body), readable by a
 * guest through a `buffer` resource. Reads wait until at least one byte or the end.
 */

const empty = new Uint8Array(0);

/** Main-thread side of a streamed `buffer`. Internal. */
export class HostStream {
  readonly #iterator: AsyncIterator<Uint8Array>;
  readonly #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #ended = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#iterator = source[Symbol.asyncIterator]();
  }

  /** Bytes readable right now without waiting (may be 0 while more is coming). */
  remaining(): number {
    return this.#pendingBytes;
  }

  async #fill(): Promise<boolean> {
    while (!this.#ended) {
      const next = await this.#iterator.next();
      if (next.done) {
        this.#ended = true;
        return false;
      }
      if (next.value.length > 0) {
        this.#pending.push(next.value);
        this.#pendingBytes += next.value.length;
        return true;
      }
    }
    return false;
  }

  /** Up to `max` bytes (waiting for at least one), `undefined` at the end; `read(0)` gives an empty list while data may remain. */
  async read(max: number): Promise<Uint8Array | undefined> {
    if (this.#pendingBytes === 0 && !(await this.#fill())) return undefined;
    if (max === 0) return empty;
    const first = this.#pending[0]!;
    if (first.length <= max) {
      this.#pending.shift();
      this.#pendingBytes -= first.length;
      return first;
    }
    this.#pending[0] = first.subarray(max);
    this.#pendingBytes -= max;
    return first.slice(0, max);
  }

  /** Skips `size` bytes, waiting for them; stops at the end. */
  async advance(size: number): Promise<void> {
    let left = size;
    while (left > 0) {
      const chunk = await this.read(left);
      if (!chunk) return;
      left -= chunk.length;
    }
  }

  /** Everything not yet read, in chunks as they arrive. */
  async *chunks(): AsyncGenerator<Uint8Array> {
    for (;;) {
      const chunk = await this.read(Number.MAX_SAFE_INTEGER);
      if (!chunk) return;
      yield chunk;
    }
  }

  /** Everything not yet read, as one array. */
  async readAll(): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for await (const chunk of this.chunks()) parts.push(chunk);
    return concat(parts);
  }

  /** Stops the source (for example closes the HTTP connection). */
  close(): void {
    this.#ended = true;
    this.#pending.length = 0;
    this.#pendingBytes = 0;
    void this.#iterator.return?.().catch(() => undefined);
  }
}

/** Concatenates byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
