/**
 * Every host-side allocation made for a guest is bounded by the guest's limits (issue item 3):
 * each interface is asked for more than its limit, must refuse before allocating (with the
 * interface's error), and the process's memory must stay flat.
 */
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost, type Host } from '../src/index.js';
import { createCacheServices, MemoryCacheBackend } from '../src/services/cache/index.js';
import { createHttpService } from '../src/services/http/index.js';
import { guestMemoryBytes } from '../src/services/limits.js';
import { LogRouter, truncateLogLine } from '../src/services/log/index.js';
import { MemoryTopicBus } from '../src/services/topic/bus.js';
import type { InvocationContext } from '../src/services/types.js';
import {
  createValkeyServices,
  RespLimitError,
  RespParser,
  type ValkeyClusterClient,
} from '../src/services/valkey/index.js';
import { RANDOM_MAX_BYTES, RandomLimitError, wasiImports } from '../src/worker/wasi.js';
import { watComponent } from './helpers/components.js';

const MiB = 1024 * 1024;
/** RSS growth allowed while a refused call runs: far below any of the refused sizes (≥ 64 MiB). */
const FLAT = 48 * MiB;

function ctxWith(memoryBytes: number): InvocationContext {
  return {
    functionName: 'f',
    cacheName: 'c',
    invocationId: `inv-${Math.random()}`,
    signal: new AbortController().signal,
    limits: { memoryBytes },
  };
}

/** Runs `body` and answers how much the process's RSS grew meanwhile (sampled every 5 ms). */
async function rssGrowth(body: () => Promise<unknown> | unknown): Promise<number> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  try {
    await body();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage().rss) - before;
}

describe('guest limits reach the services', () => {
  it('guestMemoryBytes: the context’s limit, else the host default', () => {
    expect(guestMemoryBytes(ctxWith(8 * MiB))).toBe(8 * MiB);
    expect(guestMemoryBytes({})).toBe(256 * MiB);
  });
});

describe('wasi:random', () => {
  const RANDOM_WORLD = `package test:random;
world guest {
  import momento:web-function/web-function-support@1.0.0;
  import wasi:random/random@0.2.0;
  export momento:web-function/guest-function-web@1.0.0;
}
`;
  /** Asks get-random-bytes for 1 GiB, then answers 200 "ok" (it never gets there). */
  const watRandom = () =>
    watComponent(
      RANDOM_WORLD,
      `(module
  (import "momento:bytes/bytes@1.0.0" "[resource-drop]buffer" (func $drop (param i32)))
  (import "wasi:random/random@0.2.0" "get-random-bytes" (func $random (param i64 i32)))
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const 4096))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $r i32)
    (local.set $r (i32.and (i32.add (global.get $bump) (i32.const 7)) (i32.const -8)))
    (global.set $bump (i32.add (local.get $r) (local.get 3)))
    (local.get $r))
  (func (export "cabi_post_momento:web-function/guest-function-web@1.0.0#invoke") (param i32))
  (data (i32.const 16) "ok")
  (func (export "momento:web-function/guest-function-web@1.0.0#invoke") (param i32 i32 i32) (result i32)
    (if (i32.eqz (local.get 0)) (then (call $drop (local.get 1))))
    (call $random (i64.const 1073741824) (i32.const 512))
    (i32.store16 (i32.const 256) (i32.const 200))
    (i32.store (i32.const 260) (i32.const 0))
    (i32.store (i32.const 264) (i32.const 0))
    (i32.store8 (i32.const 268) (i32.const 1))
    (i32.store (i32.const 272) (i32.const 16))
    (i32.store (i32.const 276) (i32.const 2))
    (i32.const 256)))`,
    );

  let host: Host;
  beforeAll(async () => {
    host = await createHost({
      logger: () => undefined,
      backends: { log: false },
      limits: { memoryBytes: 64 * MiB, concurrency: 1 },
      spares: 0,
    });
  });
  afterAll(() => host.close());

  it('a 64 MiB guest asking for 1 GiB traps before the host allocates it (issue: RSS 253 → 1,340 MB)', async () => {
    const fn = await host.load(await watRandom(), { name: 'random' });
    await fn.invoke(); // warm the worker so its start-up is not counted
    let status = 0;
    let body = '';
    const growth = await rssGrowth(async () => {
      const res = await fn.invoke();
      status = res.status;
      body = res.text();
    });
    expect(status).toBe(500);
    expect(body).toContain('wasi:random/random#get-random-bytes(1073741824) asks for more than');
    expect(body).toContain(`limit of ${RANDOM_MAX_BYTES} bytes`);
    expect(growth).toBeLessThan(FLAT);
  });

  it('the limit is 64 MiB (wasmtime’s default), lowered to the guest memory limit when given', () => {
    const random = wasiImports({ environment: () => [] })['wasi:random/random'] as {
      getRandomBytes(n: bigint): Uint8Array;
    };
    expect(random.getRandomBytes(32n)).toHaveLength(32);
    expect(() => random.getRandomBytes(BigInt(RANDOM_MAX_BYTES) + 1n)).toThrow(RandomLimitError);
    expect(() => random.getRandomBytes(2n ** 64n - 1n)).toThrow(RandomLimitError);
    const small = wasiImports({ environment: () => [], maxRandomBytes: MiB });
    const insecure = small['wasi:random/insecure'] as { getInsecureRandomBytes(n: bigint): Uint8Array };
    expect(insecure.getInsecureRandomBytes(BigInt(MiB))).toHaveLength(MiB);
    expect(() => insecure.getInsecureRandomBytes(BigInt(MiB) + 1n)).toThrow(/limit of 1048576 bytes/);
  });
});

describe('HTTP bodies', () => {
  let server: ReturnType<typeof createHttpServer>;
  let base = '';
  beforeAll(async () => {
    server = createHttpServer((req, res) => {
      const size = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('size'));
      const chunk = Buffer.alloc(64 * 1024, 1);
      if (req.url?.startsWith('/declared')) res.setHeader('content-length', String(size));
      let sent = 0;
      const pump = () => {
        while (sent < size) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('error', () => undefined);
      pump();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => server.close());

  const request = (path: string) => ({
    url: `${base}${path}`,
    verb: 'GET',
    headers: [],
    body: { tag: 'value', val: new Uint8Array(0) },
    authorization: { tag: 'none' },
  });

  it('a declared body larger than the guest memory is refused before it is read', async () => {
    const service = createHttpService();
    const invoke = service.functions.invoke as (ctx: InvocationContext, r: unknown) => Promise<unknown>;
    let answer: unknown;
    const growth = await rssGrowth(async () => {
      answer = await invoke(ctxWith(8 * MiB), request(`/declared?size=${256 * MiB}`));
    });
    expect(answer).toMatchObject({
      tag: 'err',
      val: {
        tag: 'request-error',
        val: expect.stringContaining(
          `declares ${256 * MiB} bytes, more than the guest's memory limit (${8 * MiB} bytes, limits.memoryBytes)`,
        ),
      },
    });
    expect(growth).toBeLessThan(FLAT);
    await service.close?.();
  });

  it('a streamed body stops at the guest memory limit', async () => {
    const service = createHttpService();
    const invoke = service.functions.invoke as (ctx: InvocationContext, r: unknown) => Promise<unknown>;
    const growth = await rssGrowth(async () => {
      const answer = (await invoke(ctxWith(4 * MiB), request(`/chunked?size=${256 * MiB}`))) as {
        tag: 'ok';
        val: { body: { val: AsyncIterable<Uint8Array> } };
      };
      let read = 0;
      await expect(
        (async () => {
          for await (const chunk of answer.val.body.val) read += chunk.length;
        })(),
      ).rejects.toThrow(`exceeded the guest's memory limit (${4 * MiB} bytes, limits.memoryBytes)`);
      expect(read).toBeLessThanOrEqual(4 * MiB);
    });
    expect(growth).toBeLessThan(FLAT);
    await service.close?.();
  });
});

describe('Valkey replies', () => {
  it('the parser refuses a bulk reply by its header, before buffering it', () => {
    const replies: unknown[] = [];
    const parser = new RespParser(
      (r) => replies.push(r),
      () => 1000,
    );
    parser.feed(Buffer.from('+OK\r\n$5\r\nhello\r\n'));
    expect(replies).toHaveLength(2);
    expect(() => parser.feed(Buffer.from('$1073741824\r\nxx'))).toThrow(RespLimitError);
    // Arrays add up their elements.
    const arrays = new RespParser(
      () => undefined,
      () => 100,
    );
    expect(() =>
      arrays.feed(Buffer.from(`*3\r\n$40\r\n${'a'.repeat(40)}\r\n$40\r\n${'b'.repeat(40)}\r\n$40\r\n`)),
    ).toThrow(RespLimitError);
  });

  it('a command whose reply is larger than the guest memory gets valkey-error::other; the host stays flat', async () => {
    // A fake server: GET big answers a 1 GiB bulk string (streamed until the client hangs up),
    // anything else +PONG.
    const sockets = new Set<Socket>();
    const server = createTcpServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
      socket.on('data', (data) => {
        if (!data.includes('big')) return void socket.write('+PONG\r\n');
        socket.write(`$${1024 * MiB}\r\n`);
        const chunk = Buffer.alloc(256 * 1024, 120);
        let sent = 0;
        const pump = () => {
          while (!socket.destroyed && sent < 1024 * MiB) {
            sent += chunk.length;
            if (!socket.write(chunk)) return void socket.once('drain', pump);
          }
        };
        pump();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `redis://127.0.0.1:${(server.address() as { port: number }).port}`;
    const [service] = createValkeyServices({ clusters: { big: url }, onError: () => undefined });
    const fns = service!.functions as Record<string, (...a: unknown[]) => unknown>;
    const ctx = ctxWith(16 * MiB);
    const client = fns.getManagedClusterClient!(ctx, 'big') as ValkeyClusterClient;
    const command = (name: string, ...args: string[]) =>
      fns['[method]cluster-client.command']!(ctx, client, {
        command: name,
        arguments: args.map((a) => ({ tag: 'value', val: Buffer.from(a) })),
      });
    try {
      let answer: unknown;
      const growth = await rssGrowth(async () => {
        answer = await command('GET', 'big');
      });
      expect(answer).toEqual({
        tag: 'err',
        val: {
          tag: 'other',
          val: expect.stringContaining(
            `more than the limit of ${16 * MiB} bytes (limits.memoryBytes, the guest memory limit)`,
          ),
        },
      });
      expect(growth).toBeLessThan(FLAT);
      // The connection is reopened for the next command.
      expect(await command('PING')).toEqual({ tag: 'simple-string', val: 'PONG' });
    } finally {
      await service!.close?.();
      for (const s of sockets) s.destroy();
      server.close();
    }
  });
});

describe('cache list ranges', () => {
  it('a list-fetch larger than the guest memory is limit-exceeded, before anything is copied', async () => {
    const backend = new MemoryCacheBackend({ sweepIntervalMs: 0 });
    const [, list] = createCacheServices({ backend });
    const fns = list!.functions as Record<string, (...a: unknown[]) => unknown>;
    const name = { tag: 'value', val: Buffer.from('l') };
    const element = { tag: 'value', val: new Uint8Array(4 * MiB) };
    const writer = ctxWith(256 * MiB);
    for (let i = 0; i < 8; i++) await fns.listPushBack!(writer, name, element, 60_000n, true, 0);
    let answer: unknown;
    const growth = await rssGrowth(async () => {
      answer = await fns.listFetch!(ctxWith(16 * MiB), name, { tag: 'unbounded' }, { tag: 'unbounded' });
    });
    expect(answer).toEqual({
      tag: 'err',
      val: {
        tag: 'limit-exceeded',
        val: expect.stringContaining(
          `list-fetch of 8 elements (${32 * MiB} bytes) exceeds the ${16 * MiB}-byte limit`,
        ),
      },
    });
    expect(growth).toBeLessThan(FLAT);
    // A range that fits is served.
    const some = (await fns.listFetch!(
      ctxWith(16 * MiB),
      name,
      { tag: 'inclusive', val: 0 },
      { tag: 'exclusive', val: 2 },
    )) as { tag: string; val: { tag: string; val: unknown[] } };
    expect(some.val.val).toHaveLength(2);
    backend.close();
  });
});

describe('log lines', () => {
  it('a line longer than maxLineBytes is cut, with a note, in every record kept', () => {
    const router = new LogRouter({ console: false, maxLineBytes: 1024 });
    const ctx = ctxWith(64 * MiB);
    router.functionLog(ctx, 'é'.repeat(4 * MiB), 'info');
    const [record] = router.records;
    expect(Buffer.byteLength(record!.message)).toBeLessThan(1024 + 200);
    expect(record!.message).toContain(
      `[log line truncated: ${8 * MiB} bytes, more than the limit of 1024 bytes (maxLineBytes)]`,
    );
    expect(truncateLogLine('short', 1024)).toBe('short');
    // Never cut inside a character (surrogate pairs included).
    expect(truncateLogLine('😀'.repeat(10), 7).startsWith('😀…')).toBe(true);
  });

  it('the default keeps 1000 lines of at most 256 KiB, not 1000 guest-sized lines', () => {
    const router = new LogRouter({ console: false });
    const ctx = ctxWith(64 * MiB);
    const line = 'x'.repeat(8 * MiB);
    for (let i = 0; i < 20; i++) router.functionLog(ctx, line, 'info');
    const kept = router.records.reduce((n, r) => n + r.message.length, 0);
    expect(kept).toBeLessThan(20 * (256 * 1024 + 200));
  });
});

describe('topic payloads', () => {
  it('the bus remembers at most recordBytesLimit bytes of published messages', () => {
    const bus = new MemoryTopicBus({ recordBytesLimit: 10 * MiB });
    for (let i = 0; i < 20; i++) bus.publish('c', 't', { kind: 'binary', bytes: new Uint8Array(4 * MiB) });
    expect(bus.published()).toHaveLength(2);
    bus.clearPublished();
    expect(bus.published()).toHaveLength(0);
  });
});
