import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkImports,
  createHost,
  type Host,
  type HostLogEntry,
  type HostService,
  LoadError,
} from '../src/index.js';
import {
  watEcho,
  watGreedy,
  watHello,
  watLogger,
  watLoop,
  watRefused,
  watSpawned,
  watSpawner,
  watTrap,
} from './helpers/guests.js';

const logs: HostLogEntry[] = [];
let logCalls: { message: string; level: string; fn: string; id: string }[] = [];
const logService: HostService = {
  interface: 'momento:log/logging@1.0.0',
  functions: {
    log: ((ctx, message: string, level: string) => {
      logCalls.push({ message, level, fn: ctx.functionName, id: ctx.invocationId });
    }) as HostService['functions'][string],
    configureLogging: (() => undefined) as HostService['functions'][string],
  },
};

let host: Host;
beforeAll(async () => {
  host = await createHost({
    services: [logService],
    logger: (e) => logs.push(e),
    limits: {
      timeoutMs: 1500,
      memoryBytes: 8 * 1024 * 1024,
      requestBodyBytes: 1000,
      concurrency: 2,
      maxQueued: 2,
    },
  });
});
afterAll(() => host.close());

describe('fresh sandbox per invocation', () => {
  it('a guest counting in a global sees 1 every time', async () => {
    const fn = await host.load(await watHello(), { name: 'hello' });
    for (let round = 0; round < 3; round++) {
      // concurrency 2 + queue 2: four at once all run, each in its own never-used instance
      const seen = await Promise.all(
        Array.from({ length: 4 }, () => fn.invoke({ body: 'x' }).then((r) => r.text())),
      );
      expect(seen).toEqual(Array(4).fill('hello 1'));
    }
    for (let i = 0; i < 5; i++) expect((await fn.invoke()).text()).toBe('hello 1');
  });

  it('also without spare instances', async () => {
    const cold = await createHost({ spares: 0, logger: () => undefined, limits: { concurrency: 1 } });
    try {
      const fn = await cold.load(await watHello(), { name: 'hello' });
      expect((await fn.invoke()).text()).toBe('hello 1');
      expect((await fn.invoke()).text()).toBe('hello 1');
    } finally {
      await cold.close();
    }
  });
});

describe('buffers', () => {
  it('a request buffer handed back as the body is not copied', async () => {
    const fn = await host.load(await watEcho(), { name: 'echo' });
    const body = new TextEncoder().encode('pass me through');
    const res = await fn.invoke({ body });
    expect(res.text()).toBe('pass me through');
    expect(res.body.buffer).toBe(body.buffer);
  });
});

describe('host calls', () => {
  it('bridges synchronous guest calls to the service on the main thread, with the invocation context', async () => {
    logCalls = [];
    const fn = await host.load(await watLogger(3), { name: 'logger' });
    const res = await fn.invoke({ invocationId: 'inv-42' });
    expect(res.text()).toBe('ok');
    expect(logCalls).toEqual(
      Array(3).fill({ message: 'hello from wat', level: 'info', fn: 'logger', id: 'inv-42' }),
    );
  });

  it('an async service that takes a while does not block other invocations', async () => {
    const slow = await createHost({
      logger: () => undefined,
      limits: { concurrency: 2 },
      services: [
        {
          interface: 'momento:log/logging@1.0.0',
          functions: {
            log: (async () => new Promise((r) => setTimeout(r, 100))) as HostService['functions'][string],
            configureLogging: (() => undefined) as HostService['functions'][string],
          },
        },
      ],
    });
    try {
      const fn = await slow.load(await watLogger(1), { name: 'slow' });
      const hello = await slow.load(await watHello(), { name: 'hello' });
      const started = Date.now();
      const pending = fn.invoke();
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      expect((await hello.invoke()).text()).toBe('hello 1');
      expect((await pending).text()).toBe('ok');
      clearInterval(timer);
      expect(Date.now() - started).toBeGreaterThanOrEqual(100);
      expect(ticks).toBeGreaterThan(3); // the event loop kept running while the guest waited
    } finally {
      await slow.close();
    }
  });

  it('a service that throws makes the guest trap with a message naming the call', async () => {
    const failing = await createHost({
      logger: () => undefined,
      limits: { concurrency: 1 },
      services: [
        {
          interface: 'momento:log/logging@1.0.0',
          functions: {
            log: (() => {
              throw new Error('disk on fire');
            }) as HostService['functions'][string],
            configureLogging: (() => undefined) as HostService['functions'][string],
          },
        },
      ],
    });
    try {
      const fn = await failing.load(await watLogger(1), { name: 'failing' });
      const res = await fn.invoke();
      expect(res.status).toBe(500);
      expect(res.text()).toContain('momento:log/logging@1.0.0#log failed: disk on fire');
    } finally {
      await failing.close();
    }
  });
});

describe('spawn', () => {
  it('fn.spawn runs a spawn function and returns its outcome', async () => {
    const fn = await host.load(await watSpawned(), { name: 'worker' });
    expect(fn.kind).toBe('spawn');
    expect(await fn.spawn('payload')).toEqual({ tag: 'ok-note', val: 'spawned!' });
    await expect(fn.invoke()).rejects.toThrow(/spawn function/);
  });

  it('momento:spawn/spawn starts a loaded spawn function by name and logs its result', async () => {
    await host.load(await watSpawned(), { name: 'worker' });
    const fn = await host.load(await watSpawner(), { name: 'spawner' });
    const before = logs.length;
    expect((await fn.invoke()).text()).toBe('0'); // result::ok
    await expect
      .poll(() => logs.slice(before).some((l) => /finished with ok-note: spawned!/.test(l.message)))
      .toBe(true);
    const other = await host.load(await watSpawner(), { name: 'spawner', cache: 'elsewhere' });
    expect((await other.invoke()).text()).toBe('1'); // result::err(function-not-found): no 'worker' in that cache
  });
});

describe('limits', () => {
  it('a runaway loop is stopped at the time limit; the host and other invocations carry on', async () => {
    const loop = await host.load(await watLoop(), { name: 'loop' });
    const hello = await host.load(await watHello(), { name: 'hello' });
    const before = logs.length;
    const started = Date.now();
    const [stuck, ok] = await Promise.all([loop.invoke(), hello.invoke()]);
    expect(ok.text()).toBe('hello 1');
    expect(stuck.status).toBe(504);
    expect(stuck.text()).toMatch(/longer than its time limit of 1500 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(logs.slice(before).some((l) => l.level === 'error' && /time limit/.test(l.message))).toBe(true);
    expect((await hello.invoke()).text()).toBe('hello 1');
  });

  it('a trap becomes a 500 with a clear body and a log line', async () => {
    const fn = await host.load(await watTrap(), { name: 'trap' });
    const before = logs.length;
    const res = await fn.invoke({ invocationId: 'trap-1' });
    expect(res.status).toBe(500);
    expect(res.header('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.text()).toMatch(/^the function trapped: .*unreachable/);
    expect(logs.slice(before)).toContainEqual(
      expect.objectContaining({ level: 'error', functionName: 'trap', invocationId: 'trap-1' }),
    );
  });

  it('memory growth stops at the per-instance limit', async () => {
    const fn = await host.load(await watGreedy(), { name: 'greedy' });
    const res = await fn.invoke();
    expect(res.status).toBe(500);
    expect(res.text()).toMatch(/ran out of memory.*of its 8 MiB memory limit/);
  });

  it('an oversized request body gets a 413 without running the guest', async () => {
    const fn = await host.load(await watEcho(), { name: 'echo' });
    const res = await fn.invoke({ body: new Uint8Array(1001) });
    expect(res.status).toBe(413);
    expect(res.text()).toMatch(/request body of 1001 bytes is larger than the limit of 1000 bytes/);
  });

  it('an oversized response body becomes a 500', async () => {
    const small = await createHost({
      logger: () => undefined,
      limits: { responseBodyBytes: 10, concurrency: 1 },
    });
    try {
      const fn = await small.load(await watEcho(), { name: 'echo' });
      expect((await fn.invoke({ body: '0123456789' })).status).toBe(200);
      const res = await fn.invoke({ body: '0123456789!' });
      expect(res.status).toBe(500);
      expect(res.text()).toMatch(/response body of 11 bytes, larger than the limit of 10 bytes/);
    } finally {
      await small.close();
    }
  });

  it('beyond concurrency + queue, invocations get a 503 with the reason', async () => {
    const loop = await host.load(await watLoop(), { name: 'loop' });
    const results = await Promise.all(Array.from({ length: 5 }, () => loop.invoke()));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([503, 504, 504, 504, 504]);
    const busy = results.find((r) => r.status === 503)!;
    expect(busy.text()).toMatch(/the host is busy: 2 invocations are running and 2 are queued/);
  });
});

describe('loading', () => {
  it('names each import that would not link', async () => {
    const error = await host.load(await watRefused(), { name: 'refused' }).catch((e) => e);
    expect(error).toBeInstanceOf(LoadError);
    // momento:aws-s3 (a resource-only import here: `[resource-drop]client`) is a built-in service
    // now, so it links; the two others do not.
    expect(error.message).toMatch(/Function 'refused' cannot be loaded; 2 imports would not link/);
    const names = (error as LoadError).problems.map((p) => p.name).sort();
    expect(names).toEqual(['test:refused/nope', 'wasi:sockets/tcp@0.2.0']);
    expect(error.message).toMatch(/wasi:sockets\/tcp@0.2.0: the platform links no wasi:sockets\/tcp/);
    // A platform interface without a service on this host is named as such.
    expect(checkImports(['momento:aws-s3/aws-s3@1.0.0'], []).problems[0]?.reason).toMatch(
      /the platform serves it but this host has no service for it/,
    );
  });

  it('a service missing a function the guest imports is named', async () => {
    const partial = await createHost({
      logger: () => undefined,
      limits: { concurrency: 1 },
      services: [{ interface: 'momento:log/logging@1.0.0', functions: {} }],
    });
    try {
      const error = await partial.load(await watLogger(1), { name: 'l' }).catch((e) => e);
      expect(error.message).toMatch(
        /momento:log\/logging@1.0.0#log: the service for momento:log\/logging@1.0.0 has no function 'log'/,
      );
    } finally {
      await partial.close();
    }
  });

  it('rejects bytes that are not a component, and a missing file', async () => {
    await expect(host.load(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]), { name: 'core' })).rejects.toThrow(
      /not a valid WebAssembly component/,
    );
    await expect(host.load('/nope/missing.wasm', { name: 'x' })).rejects.toThrow(
      /cannot read component \/nope\/missing.wasm/,
    );
  });
});
