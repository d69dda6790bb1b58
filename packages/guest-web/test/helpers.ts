import type { WitData } from '@momento-functions/bytes';
import { vi } from 'vitest';

/** A fake `momento:bytes/bytes` buffer resource that records reads. */
export class FakeBuffer {
  #bytes: Uint8Array;
  #offset = 0;
  reads = 0;
  constructor(bytes: Uint8Array | string) {
    this.#bytes = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  }
  remaining(): number {
    return this.#bytes.length - this.#offset;
  }
  read(maxSize: number): Uint8Array | undefined {
    this.reads++;
    if (this.#offset >= this.#bytes.length) return undefined;
    const chunk = this.#bytes.slice(this.#offset, this.#offset + maxSize);
    this.#offset += chunk.length;
    return chunk;
  }
  advance(size: number): void {
    this.#offset = Math.min(this.#bytes.length, this.#offset + size);
  }
}

/**
 * Loads the package as a fresh component instance would see it: new module state (no cached
 * host answers) and a reset fake host.
 */
export async function freshInstance() {
  vi.resetModules();
  const { host, resetHost } = await import('./fakes/host.js');
  resetHost();
  const gw = await import('../src/index.js');
  const bytes = await import('@momento-functions/bytes');
  return { gw, bytes, host };
}

export const value = (text: string | Uint8Array) => ({
  tag: 'value' as const,
  val: typeof text === 'string' ? new TextEncoder().encode(text) : text,
});

/** The body of a WIT response as text (reads a host buffer to the end). */
export function bodyText(body: WitData): string {
  if (body.tag === 'value') return new TextDecoder().decode(body.val);
  const parts: number[] = [];
  for (let c = body.val.read(65536); c !== undefined && c !== null; c = body.val.read(65536))
    parts.push(...c);
  return new TextDecoder().decode(new Uint8Array(parts));
}
