// spawnFunction (src/call.ts): unit tests against a recording fake of momento:spawn/spawn, and end
// to end: a built web function spawning a built spawn function in the reference host.
import { join, resolve } from 'node:path';
import { build } from '@momento-functions/build';
import { Data, encode } from '@momento-functions/bytes';
import { createHost, type FunctionHandle, type Host, type HostLogEntry } from '@momento-functions/runtime';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SpawnEncodeError, SpawnError, spawnFunction } from '../src/index.js';
import { failNextSpawn, resetSpawn, spawnCalls, throwNextSpawn } from './call-fake-spawn.js';

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

describe('spawnFunction (unit, fake host)', () => {
  beforeEach(() => resetSpawn());

  it('sends strings, bytes and Data as they are, and other values as compact JSON', () => {
    spawnFunction('a', 'plain text');
    spawnFunction('b', Uint8Array.of(0, 1, 255));
    spawnFunction('c', Data.from('from data'));
    spawnFunction('d', { _name: 'kvc', list: [1, true, null] });
    spawnFunction('e', 42);
    spawnFunction('f', null);
    spawnFunction('g', 'raw', { encoder: encode.json });
    expect(spawnCalls.map((c) => c.name)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(text(spawnCalls[0]?.data)).toBe('plain text');
    expect(spawnCalls[1]?.data).toEqual(Uint8Array.of(0, 1, 255));
    expect(text(spawnCalls[2]?.data)).toBe('from data');
    expect(text(spawnCalls[3]?.data)).toBe('{"_name":"kvc","list":[1,true,null]}');
    expect(text(spawnCalls[4]?.data)).toBe('42');
    expect(text(spawnCalls[5]?.data)).toBe('null');
    expect(text(spawnCalls[6]?.data)).toBe('"raw"');
  });

  it('maps each WIT spawn-error case to SpawnError with the crate texts', () => {
    const cases = [
      [{ tag: 'function-not-found' }, 'SpawnError::FunctionNotFound', undefined],
      [{ tag: 'internal-error' }, 'SpawnError::InternalError', undefined],
      [{ tag: 'limit', val: 'queue "full"' }, 'SpawnError::Limit("queue \\"full\\"")', 'queue "full"'],
    ] as const;
    for (const [wit, message, detail] of cases) {
      failNextSpawn(wit);
      let caught: unknown;
      try {
        spawnFunction('worker', 'x');
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(SpawnError);
      const error = caught as SpawnError;
      expect(error.case).toBe(wit.tag);
      expect(error.detail).toBe(detail);
      expect(error.functionName).toBe('worker');
      expect(error.message).toBe(message);
      expect(error.debug).toBe(`FunctionSpawnError(${message})`);
    }
  });

  it('lets anything that is not a WIT error through unchanged', () => {
    const trap = new Error('host call failed');
    throwNextSpawn(trap);
    expect(() => spawnFunction('worker', 'x')).toThrow(trap);
    failNextSpawn({ tag: 'something-new' });
    expect(() => spawnFunction('worker', 'x')).toThrow(/see error.payload/);
  });

  it('refuses an unencodable payload before calling the host', () => {
    let caught: unknown;
    try {
      spawnFunction('worker', { n: 1n });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(SpawnEncodeError);
    expect((caught as SpawnEncodeError).message).toBe('Failed to encode payload');
    expect((caught as SpawnEncodeError).debug).toMatch(/^EncodeFailed \{ cause: ".*BigInt.*" \}$/i);
    expect(spawnCalls).toHaveLength(0);
  });

  it('checks the name', () => {
    expect(() => spawnFunction('', 'x')).toThrow(/non-empty name/);
    expect(() => spawnFunction(7 as unknown as string, 'x')).toThrow(/got number/);
    expect(spawnCalls).toHaveLength(0);
  });
});

describe('spawnFunction through built components in the reference host', () => {
  let host: Host;
  let spawner: FunctionHandle;
  let otherCacheSpawner: FunctionHandle;
  const logs: HostLogEntry[] = [];

  beforeAll(async () => {
    const out = resolve(
      import.meta.dirname,
      '../../../node_modules/.cache/momento-functions/test-out/guest-spawn',
    );
    const [s, r] = await Promise.all([
      build({
        entry: join(import.meta.dirname, 'fixtures', 'call-spawner.ts'),
        outFile: join(out, 'call-spawner.wasm'),
        kind: 'web',
        // It imports guest-web's sources, whose host-module declarations (guest-web/src/wit.d.ts)
        // are outside guest-spawn's tsconfig.json; the root `npm run typecheck` checks it.
        typecheck: false,
      }),
      build({
        entry: join(import.meta.dirname, 'fixtures', 'call-receiver.ts'),
        outFile: join(out, 'call-receiver.wasm'),
      }),
    ]);
    expect(s?.report.kind).toBe('web');
    expect(s?.report.momentoImports).toContain('momento:spawn/spawn@1.0.0');
    expect(r?.report.kind).toBe('spawn');
    host = await createHost({ spares: 0, logger: (e) => logs.push(e), backends: { log: false } });
    spawner = await host.load(s!.wasmPath, { name: 'spawner', cache: 'cache-a' });
    otherCacheSpawner = await host.load(s!.wasmPath, { name: 'spawner', cache: 'cache-b' });
    await host.load(r!.wasmPath, { name: 'receiver', cache: 'cache-a' });
  });
  afterAll(() => host?.close());

  async function outcomeNote(): Promise<string> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const entry = logs.find((e) => e.functionName === 'receiver' && /finished with/.test(e.message));
      if (entry) {
        logs.splice(logs.indexOf(entry), 1);
        return entry.message;
      }
      if (Date.now() > deadline)
        throw new Error(`the spawned function did not finish: ${JSON.stringify(logs)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('starts the spawn function with the JSON payload', async () => {
    const res = await spawner.invoke({ body: JSON.stringify({ name: 'receiver', payload: { a: 1 } }) });
    expect([res.status, res.text()]).toEqual([202, 'spawned receiver']);
    const hex = Buffer.from('{"a":1}').toString('hex');
    expect(await outcomeNote()).toMatch(
      new RegExp(`spawned by spawner \\(.+\\) finished with ok-note: received 7 bytes: ${hex}$`),
    );
  });

  it('sends text and bytes unchanged', async () => {
    await spawner.invoke({ body: JSON.stringify({ name: 'receiver', payload: 'héllo', as: 'text' }) });
    expect(await outcomeNote()).toMatch(`received 6 bytes: ${Buffer.from('héllo').toString('hex')}`);
    await spawner.invoke({ body: JSON.stringify({ name: 'receiver', payload: [0, 255, 7], as: 'bytes' }) });
    expect(await outcomeNote()).toMatch(/received 3 bytes: 00ff07$/);
  });

  it('function-not-found for an unknown name, and for a spawn function of another cache', async () => {
    const missing = await spawner.invoke({ body: JSON.stringify({ name: 'nope', payload: 1 }) });
    expect(missing.status).toBe(500);
    expect(missing.json()).toEqual({
      name: 'SpawnError',
      message: 'SpawnError::FunctionNotFound',
      debug: 'FunctionSpawnError(SpawnError::FunctionNotFound)',
    });
    const elsewhere = await otherCacheSpawner.invoke({
      body: JSON.stringify({ name: 'receiver', payload: 1 }),
    });
    expect(elsewhere.json()).toMatchObject({ message: 'SpawnError::FunctionNotFound' });
    const web = await spawner.invoke({ body: JSON.stringify({ name: 'spawner', payload: 1 }) });
    expect(web.json()).toMatchObject({ message: 'SpawnError::FunctionNotFound' });
  });

  it('an unencodable payload fails in the guest, nothing is spawned', async () => {
    const res = await spawner.invoke({
      body: JSON.stringify({ name: 'receiver', payload: 0, as: 'bigint' }),
    });
    expect(res.status).toBe(500);
    expect(res.json()).toMatchObject({ name: 'SpawnEncodeError', message: 'Failed to encode payload' });
    await new Promise((r) => setTimeout(r, 100));
    expect(logs.filter((e) => e.functionName === 'receiver')).toEqual([]);
  });
});
