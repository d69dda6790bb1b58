// Any `Data` is a valid body everywhere a body is accepted: tests/data-matrix/guest.ts, built
// once into a real component (componentize-js) and run in the reference host, takes a `Data` from
// every producer (the request body, a user's bytes, cache get, list pop, an HTTP response, an S3
// object, a Valkey bulk element and bulk string) and hands it, untouched, to every consumer (a
// returned value, the WebResponse constructor and withBody, cache set, an HTTP request body,
// topic publish, S3 put, Valkey SET, SSE and raw streams). Real services behind all of them: a
// loopback HTTP server, the local fake AWS (SigV4-checked), a throw-away redis-server.
//
// Pass-through is asserted on the host side, never trusted from the guest:
// - a host stream (HTTP and S3 bodies) read by the guest costs `buffer.remaining`/`buffer.read`
//   calls on the host's `HostStream`; the host's own pass-through reads only through
//   `chunks()`/`readAll()`. The prototype is wrapped here to count the former: it must stay 0;
// - the request body lives in the worker, so its reads cannot be counted from here; instead the
//   bytes a consumer receives (the response body, a service's argument) must be a view of the very
//   `Uint8Array` the test invoked with (`.buffer` identity): bytes copied through the guest would
//   be a new buffer posted back from the worker. The SSE and raw sinks consume in the worker;
//   for them the guest reports `isOnHost` just before handing the Data over.
//
// Needs the guest packages built (`npm run build`): the guest imports them by name.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '@momento-functions/build';
import {
  type BuiltinServiceOptions,
  builtinServices,
  createCacheBackend,
  createCacheView,
  createHost,
  type FunctionHandle,
  type Host,
  type HostService,
  type InvokeResponse,
} from '@momento-functions/runtime';
import { HostStream } from '@momento-functions/runtime/internal';
import { createTopicBus } from '@momento-functions/runtime/services/topic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAws, fakeEndpoints, startFakeAws } from '../../packages/aws-auth/test/support/fake-aws.js';
import { type RedisServer, startRedis } from '../../packages/cache/test/support/redis.js';

const PAYLOAD = 'héllo, data ✓ — pass it on';
const enc = new TextEncoder();
const dec = new TextDecoder();

// --- host-side counting of guest reads of host streams -------------------------------------------
const counts = { guestOps: 0, passThroughs: 0 };
const hostSide = new WeakMap<object, number>();
{
  const proto = HostStream.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const remaining = proto.remaining!;
  const read = proto.read!;
  const advance = proto.advance!;
  const chunks = proto.chunks as (this: object) => AsyncGenerator<Uint8Array>;
  proto.remaining = function (this: object, ...args: unknown[]) {
    counts.guestOps++;
    return remaining.apply(this, args);
  };
  proto.advance = function (this: object, ...args: unknown[]) {
    counts.guestOps++;
    return advance.apply(this, args);
  };
  proto.read = function (this: object, ...args: unknown[]) {
    if (!hostSide.get(this)) counts.guestOps++;
    return read.apply(this, args);
  };
  proto.chunks = async function* (this: object) {
    counts.passThroughs++;
    hostSide.set(this, (hostSide.get(this) ?? 0) + 1);
    try {
      yield* chunks.call(this);
    } finally {
      hostSide.set(this, (hostSide.get(this) ?? 1) - 1);
    }
  } as unknown as (...args: unknown[]) => unknown;
}

// --- what the services received ------------------------------------------------------------------
const received: { fn: string; args: unknown[] }[] = [];
function recording(service: HostService): HostService {
  const functions: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(service.functions)) {
    functions[name] = (...args: unknown[]) => {
      received.push({ fn: `${service.interface}#${name}`, args });
      return (fn as (...a: unknown[]) => unknown)(...args);
    };
  }
  return { ...service, functions } as HostService;
}
function bytesIn(value: unknown, out: Uint8Array[] = []): Uint8Array[] {
  if (value instanceof Uint8Array) out.push(value);
  else if (Array.isArray(value)) for (const v of value) bytesIn(v, out);
  else if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    for (const v of Object.values(value)) bytesIn(v, out);
  return out;
}

let host: Host;
let fn: FunctionHandle;
let aws: FakeAws;
let redis: RedisServer;
let upstream: Server;
let upstreamUrl = '';
const consumed: Buffer[] = [];
const bus = createTopicBus();
const backend = createCacheBackend();
const cache = createCacheView(backend, 'c');
let closeBuiltin: () => Promise<void> = async () => {};

beforeAll(async () => {
  const [{ report }, fakeAws, redisServer] = await Promise.all([
    build({
      entry: join(import.meta.dirname, 'guest.ts'),
      outFile: join(tmpdir(), `momento-data-matrix-${process.pid}.wasm`),
    }),
    startFakeAws(),
    startRedis(),
  ]);
  aws = fakeAws;
  redis = redisServer;
  upstream = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      if (req.url === '/consume') consumed.push(Buffer.concat(parts));
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(req.url === '/produce' ? enc.encode(PAYLOAD) : 'ok');
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

  const backends: BuiltinServiceOptions = {
    cache: { backend },
    topics: bus,
    log: false,
    valkey: { clusters: { main: redis.url } },
    aws: { endpoints: fakeEndpoints(aws.url) },
  };
  const builtin = builtinServices(backends);
  closeBuiltin = () => builtin.close();
  host = await createHost({ backends, services: builtin.services.map(recording) });
  fn = await host.load(report.wasmPath, { name: 'data-matrix', cache: 'c' });

  // The producers' sources, all holding PAYLOAD.
  await cache.set('source', PAYLOAD);
  await cache.list('source-list').push(Array.from({ length: 40 }, () => PAYLOAD));
  aws.s3.get('test-bucket')!.set('source', { body: Buffer.from(PAYLOAD), metadata: [], etag: '"e"' });
  const seeded = await call('seed-valkey', 'none');
  expect(seeded.text()).toBe('seeded');
});
afterAll(async () => {
  await host?.close();
  await closeBuiltin();
  await bus.close();
  await backend.close();
  await aws?.close();
  await redis?.stop();
  await new Promise((r) => upstream?.close(r));
});

function call(producer: string, consumer: string, body = enc.encode(PAYLOAD)): Promise<InvokeResponse> {
  return fn.invoke({
    method: 'POST',
    path: `${producer}/${consumer}`,
    headers: { 'x-upstream': upstreamUrl, 'x-payload': PAYLOAD },
    body,
  });
}

const PRODUCERS = ['request', 'user', 'cache-get', 'list-pop', 'http', 's3', 'valkey-bulk', 'valkey-get'];
/** Producers whose Data is a host buffer the guest must not read. */
const HOST_STREAMS = new Set(['http', 's3']);
const CONSUMERS = [
  'return',
  'constructor',
  'with-body',
  'cache-set',
  'http',
  'topic',
  's3',
  'valkey',
  'sse',
  'raw',
] as const;

/** The bytes the consumer received on the host side, and the answer. */
async function sink(consumer: (typeof CONSUMERS)[number], res: InvokeResponse): Promise<Uint8Array[]> {
  const ok = res.status === 200 ? '' : `${res.status} ${res.text()}`;
  expect(ok).toBe('');
  const fromService = (prefix: string) =>
    // The consumer's call is the interface's last one (a producer of the same service calls it
    // first); its arguments after the context; keys and names ('sink', 'SET') are not the value.
    bytesIn(
      received
        .filter((r) => r.fn.startsWith(prefix))
        .at(-1)
        ?.args.slice(1),
    ).filter((b) => b.length > 4);
  switch (consumer) {
    case 'return':
      expect(res.header('content-type')).toBe('application/octet-stream');
      return [res.body];
    case 'constructor':
      expect(res.headers).toEqual([['x-cache', 'hit']]);
      return [res.body];
    case 'with-body':
      return [res.body];
    case 'cache-set': {
      const stored = await cache.getBytes('sink');
      return [stored ?? new Uint8Array(), ...fromService('momento:cache-scalar/')];
    }
    case 'http':
      expect(res.json()).toMatchObject({ status: 200 });
      return [consumed.at(-1) ?? new Uint8Array(), ...fromService('momento:http/')];
    case 'topic': {
      const message = bus.published({ cache: 'c', topic: 'sink' }).at(-1);
      if (message?.value.kind !== 'binary')
        throw new Error(`no binary message on 'sink': ${message?.value.kind}`);
      return [message.value.bytes, ...fromService('momento:topic/')];
    }
    case 's3':
      return [aws.s3.get('test-bucket')!.get('sink')!.body, ...fromService('momento:aws-s3/')];
    case 'valkey':
      return fromService('momento:valkey/');
    case 'sse': {
      const text = res.text();
      expect(text).toMatch(/^event: (on-host|inline)\ndata: /);
      return [enc.encode(text.replace(/^event: [a-z-]+\ndata: /, '').replace(/\n\n$/, ''))];
    }
    case 'raw':
      return [res.body];
  }
}

describe('every producer × every consumer, through a built component', () => {
  for (const producer of PRODUCERS) {
    for (const consumer of CONSUMERS) {
      it(`${producer} → ${consumer}`, async () => {
        received.length = 0;
        await cache.delete('sink');
        const before = { ...counts };
        const requestBytes = enc.encode(PAYLOAD);
        const res = await call(producer, consumer, requestBytes);
        const got = await sink(consumer, res);
        expect(got.length).toBeGreaterThan(0);
        for (const bytes of got) expect(dec.decode(bytes)).toBe(PAYLOAD);
        // Nothing the guest did read a host stream into the guest.
        expect(counts.guestOps - before.guestOps).toBe(0);
        if (HOST_STREAMS.has(producer)) {
          // ...and the host stream was passed on by the host itself.
          expect(counts.passThroughs - before.passThroughs).toBeGreaterThan(0);
        }
        if (producer === 'request') {
          if (consumer === 'sse') {
            expect(res.text()).toMatch(/^event: on-host\n/);
          } else if (consumer === 'raw') {
            expect(res.header('x-on-host')).toBe('true');
          } else {
            // The consumer got a view of the very bytes the request carried (never a guest copy).
            expect(got.some((b) => b.buffer === requestBytes.buffer)).toBe(true);
          }
        }
      });
    }
  }
});

describe('the checks see a copy (control)', () => {
  it('a host stream read into the guest is counted', async () => {
    const before = counts.guestOps;
    const res = await call('http', 'copied');
    expect([res.status, dec.decode(res.body)]).toEqual([200, PAYLOAD]);
    expect(counts.guestOps - before).toBeGreaterThan(0);
  });

  it('a request body read into the guest comes back in a new buffer', async () => {
    const requestBytes = enc.encode(PAYLOAD);
    const res = await call('request', 'copied', requestBytes);
    expect([res.status, dec.decode(res.body)]).toEqual([200, PAYLOAD]);
    expect(res.body.buffer).not.toBe(requestBytes.buffer);
  });
});
