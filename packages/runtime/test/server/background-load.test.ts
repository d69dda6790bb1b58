/**
 * Serving while functions build: the server listens at once, each function answers 503
 * "building…" until its component is loaded, a failed build answers 500 with its error while the
 * others serve, and builds run at most `buildConcurrency` at once. The builder is a stand-in that
 * hands out committed Rust components when the test says so, so no componentize runs here
 * (serve-command-build.test.ts does the same through the CLI with real builds).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost } from '../../src/index.js';
import { createTaskLimiter } from '../../src/server/build-queue.js';
import type { BuiltEntry, EntryBuilder } from '../../src/server/host-adapter.js';
import { FunctionRegistry } from '../../src/server/registry.js';
import { type ConfiguredServer, createServer, type FunctionEvent } from '../../src/server/serve.js';
import type { Host } from '../../src/types.js';
import { repoRoot } from './e2e-setup.js';

const fixture = (name: string) => join(repoRoot, 'tests', 'fixtures', 'rust-glue', `${name}.wasm`);

/** Polls `check` until it returns something truthy. */
async function until(check: () => unknown, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not reached in ${timeoutMs} ms: ${check}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Gate {
  entry: string;
  open(result: BuiltEntry): void;
  fail(error: Error): void;
}

/** A builder whose builds finish only when the test opens their gate. */
function gatedBuilder() {
  const started: Gate[] = [];
  let running = 0;
  let maxRunning = 0;
  const builder: EntryBuilder = (entry) =>
    new Promise<BuiltEntry>((resolve, reject) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      const done = () => {
        running--;
      };
      started.push({
        entry,
        open: (result) => {
          done();
          resolve(result);
        },
        fail: (error) => {
          done();
          reject(error);
        },
      });
    });
  return {
    builder,
    started,
    gate: (suffix: string) => started.find((g) => g.entry.endsWith(suffix)),
    get maxRunning() {
      return maxRunning;
    },
  };
}

describe('createTaskLimiter', () => {
  it('runs at most `concurrency` tasks at once, in queue order', async () => {
    const limiter = createTaskLimiter(2);
    const order: string[] = [];
    const releases = new Map<string, () => void>();
    const task = (name: string) =>
      limiter.run(
        () =>
          new Promise<string>((resolve) => {
            order.push(name);
            releases.set(name, () => resolve(name));
          }),
      );
    const all = Promise.all(['a', 'b', 'c', 'd'].map(task));
    await until(() => order.length === 2);
    expect(order).toEqual(['a', 'b']);
    expect([limiter.running, limiter.queued]).toEqual([2, 2]);
    releases.get('b')!();
    await until(() => order.length === 3);
    expect(order).toEqual(['a', 'b', 'c']);
    releases.get('a')!();
    releases.get('c')!();
    await until(() => order.length === 4);
    releases.get('d')!();
    expect(await all).toEqual(['a', 'b', 'c', 'd']);
    expect([limiter.running, limiter.queued]).toEqual([0, 0]);
  });

  it('frees the slot of a task that fails', async () => {
    const limiter = createTaskLimiter(1);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limiter.run(async () => 'next')).toBe('next');
    expect(() => createTaskLimiter(0)).toThrow(/at least 1/);
  });
});

describe('FunctionRegistry pending functions', () => {
  it('keeps a building function out of list() and hands it to waiters once set', async () => {
    const registry = new FunctionRegistry();
    registry.setPending({ cache: 'c', name: 'f', entry: 'f.ts', status: 'building', since: 0 });
    expect(registry.get('c', 'f')).toBeUndefined();
    expect(registry.list()).toEqual([]);
    expect(registry.describe()).toEqual([{ cache: 'c', name: 'f', status: 'building' }]);
    const waiting = registry.whenReady('c', 'f');
    const deferred = registry.deferred('c', 'f')!;
    expect(deferred.kind).toBe('web');
    const invoked = deferred.invoke({
      method: 'GET',
      path: '/',
      query: [],
      headers: [],
      body: new Uint8Array(),
    });
    const fn = {
      cache: 'c',
      name: 'f',
      kind: 'web' as const,
      invoke: async () => ({ status: 200, headers: [], body: new TextEncoder().encode('hi') }),
      invokeStreaming: () => Promise.reject(new Error('unused')),
      spawn: () => Promise.reject(new Error('unused')),
    };
    registry.set(fn);
    expect(await waiting).toBe(fn);
    expect((await invoked).status).toBe(200);
    expect(registry.pending('c', 'f')).toBeUndefined();
    expect(registry.describe()).toEqual([{ cache: 'c', name: 'f', kind: 'web', status: 'ready' }]);
  });

  it('rejects waiters with the build error when the build fails', async () => {
    const registry = new FunctionRegistry();
    registry.setPending({ cache: 'c', name: 'f', entry: 'f.ts', status: 'building', since: 0 });
    const waiting = registry.whenReady('c', 'f');
    registry.setPending({
      cache: 'c',
      name: 'f',
      entry: 'f.ts',
      status: 'failed',
      since: 1,
      error: 'no good',
    });
    await expect(waiting).rejects.toThrow('no good');
    expect(registry.deferred('c', 'f')).toBeUndefined();
    expect(registry.explainMissing('c', 'g')).toContain('Served functions: c/f');
  });
});

describe('createServer({ background: true })', () => {
  let host: Host;
  let server: ConfiguredServer;
  let url: string;
  const events: FunctionEvent[] = [];
  const build = gatedBuilder();
  const get = async (name: string) => {
    const res = await fetch(`${url}/functions/default/${name}`, { method: 'POST' });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), text: await res.text() };
  };

  beforeAll(async () => {
    host = await createHost();
    server = await createServer({
      host,
      config: {
        functions: [
          { name: 'one', entry: join(repoRoot, 'examples', 'one', 'index.ts') },
          { name: 'two', entry: join(repoRoot, 'examples', 'two', 'index.ts') },
          { name: 'broken', entry: join(repoRoot, 'examples', 'broken', 'index.ts') },
          { name: 'three', entry: join(repoRoot, 'examples', 'three', 'index.ts') },
        ],
      },
      builder: build.builder,
      background: true,
      buildConcurrency: 2,
      cwd: repoRoot,
      onFunction: (event) => events.push(event),
    });
    url = await server.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await server?.close();
    await host?.close();
  });

  it('answers 503 "building…" with retry-after while every build is still running', async () => {
    await until(() => build.started.length === 2);
    const one = await get('one');
    expect(one.status).toBe(503);
    expect(one.text).toMatch(/^building… \(examples\/one\/index\.ts\)/);
    expect(Number(one.retryAfter)).toBeGreaterThan(0);
    // Queued behind the two running builds, not started yet: it says building too.
    expect((await get('three')).status).toBe(503);
    expect(build.started.map((g) => g.entry.split('/').at(-2))).toEqual(['one', 'two']);
    const listed = (await (await fetch(`${url}/_momento/functions`)).json()) as {
      name: string;
      status: string;
    }[];
    expect(listed.map((f) => [f.name, f.status])).toEqual([
      ['one', 'building'],
      ['two', 'building'],
      ['broken', 'building'],
      ['three', 'building'],
    ]);
    const missing = await get('nope');
    expect(missing.status).toBe(404);
  });

  it('serves each function as soon as it is loaded, and a failed one answers 500 with its error', async () => {
    build.gate('one/index.ts')!.open({ wasmPath: fixture('ping'), cached: false });
    await until(async () => (await get('one')).status === 200);
    expect((await get('one')).text).toBe('pong');
    expect((await get('two')).status).toBe(503);

    // The slot `one` freed went to the next in line.
    await until(() => build.started.length === 3);
    build.gate('broken/index.ts')!.fail(new Error('Build of examples/broken/index.ts failed: syntax error'));
    await until(async () => (await get('broken')).status === 500);
    expect((await get('broken')).text).toContain(
      'could not be built or loaded (examples/broken/index.ts): Build of examples/broken/index.ts failed: syntax error',
    );
    expect((await get('one')).text).toBe('pong');

    await until(() => build.started.length === 4);
    build.gate('two/index.ts')!.open({ wasmPath: fixture('echo'), cached: true });
    build.gate('three/index.ts')!.open({ wasmPath: fixture('ping'), cached: false });
    const report = await server.ready;
    expect(report.ready).toEqual(['default/one', 'default/two', 'default/three']);
    expect(report.failed).toEqual([
      {
        name: 'broken',
        cache: 'default',
        error: 'Build of examples/broken/index.ts failed: syntax error',
      },
    ]);
    expect(build.maxRunning).toBe(2);
    expect((await get('three')).text).toBe('pong');
    // two and three were released together: either may load first.
    expect(events.map((e) => `${e.type} ${e.name}`).slice(0, 2)).toEqual(['ready one', 'failed broken']);
    expect(
      events
        .map((e) => `${e.type} ${e.name}`)
        .slice(2)
        .sort(),
    ).toEqual(['ready three', 'ready two']);
    const two = events.find((e) => e.name === 'two');
    expect(two).toMatchObject({ type: 'ready', kind: 'web', cached: true, entry: 'examples/two/index.ts' });
  });

  it('rebuilds a failed function on reload and serves it once it builds', async () => {
    const reloading = server.reload(['broken']);
    await until(() => build.started.length === 5);
    expect((await get('broken')).status).toBe(503);
    build.started[4]!.open({ wasmPath: fixture('ping') });
    expect(await reloading).toEqual({ reloaded: ['broken'], failed: [] });
    expect((await get('broken')).text).toBe('pong');
  });
});
