// Test support for the pattern examples (docs/patterns.md): a loopback upstream on 127.0.0.1
// that records every request, a memory cache store that records the TTL of every write and runs
// on a clock the test moves, and the list of builds of one pattern (the TypeScript example and
// the official-crate Rust fixture) the tests run side by side.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { InvokeResponse } from '@momento-functions/runtime';
import { MemoryCacheBackend } from '../../packages/runtime/src/services/cache/index.js';

type SetIfArgs = Parameters<MemoryCacheBackend['setIf']>;

export interface UpstreamRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

export interface Upstream {
  /** `http://127.0.0.1:<port>`: what the functions get as their upstream's base URL. */
  readonly url: string;
  /** Every request, in arrival order. */
  readonly requests: UpstreamRequest[];
  close(): Promise<void>;
}

/** Starts a loopback HTTP server; `answer` is called with each request's full body read. */
export async function startUpstream(
  answer: (request: UpstreamRequest, response: ServerResponse) => void | Promise<void>,
): Promise<Upstream> {
  const requests: UpstreamRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(request);
      Promise.resolve(answer(request, res)).catch((error: unknown) => {
        res.writeHead(599).end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A {@link MemoryCacheBackend} on a clock the test sets, recording each `set`'s key and TTL and
 * counting the `get` and `setIf` calls.
 */
export class RecordingCacheBackend extends MemoryCacheBackend {
  readonly sets: { key: string; ttlMs: number }[] = [];
  readonly calls = { get: 0, setIf: 0 };
  #clock: { now: number };

  constructor(clock = { now: Date.now() }) {
    super({ now: () => clock.now, sweepIntervalMs: 0 });
    this.#clock = clock;
  }

  /** Moves the store's clock forward. */
  advance(ms: number): void {
    this.#clock.now += ms;
  }

  override get(cache: string, key: Uint8Array): Uint8Array | undefined {
    this.calls.get++;
    return super.get(cache, key);
  }

  override setIf(...args: SetIfArgs): Uint8Array | undefined {
    this.calls.setIf++;
    return super.setIf(...args);
  }

  override set(cache: string, key: Uint8Array, value: Uint8Array, ttlMs: number): void {
    this.sets.push({ key: new TextDecoder().decode(key), ttlMs });
    super.set(cache, key, value, ttlMs);
  }
}

/** The two builds of a pattern: the TypeScript example and the official-crate Rust fixture. */
export function builds(pattern: string): [language: 'TypeScript' | 'Rust', entry: string][] {
  return [
    ['TypeScript', join(import.meta.dirname, '..', pattern, 'index.ts')],
    ['Rust', join(import.meta.dirname, '../../tests/fixtures/rust-official', `${pattern}.wasm`)],
  ];
}

/** What the tests compare between the builds: status, headers and body text. */
export function answerOf(res: InvokeResponse): [number, (readonly [string, string])[], string] {
  return [res.status, [...res.headers], res.text()];
}
