/**
 * Replacing a loaded function (`host.load` of the same cache/name, the server's `--watch`
 * reload): invocations already accepted for the old version — running or queued — finish on it,
 * new ones reach the new version (through `host.get` and through the old handle alike), and the
 * old version is unloaded from the workers once drained. Explicit unload drains the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost, type Host, type HostLogEntry, type HostService, InvocationError } from '../src/index.js';
import { jsGuest } from './helpers/guests.js';

const unused = (() => ({ tag: 'ok', val: undefined })) as HostService['functions'][string];
// The JS guest's world imports cache-scalar; nothing here calls it.
const cacheService: HostService = {
  interface: 'momento:cache-scalar/cache-scalar@1.0.0',
  functions: {
    get: unused,
    set: unused,
    delete: unused,
    getWithHash: unused,
    setIf: unused,
    setIfHash: unused,
  },
};

const logs: HostLogEntry[] = [];
let host: Host;
let wasm: Uint8Array;
beforeAll(async () => {
  wasm = await jsGuest();
  host = await createHost({
    services: [cacheService],
    limits: { concurrency: 1, timeoutMs: 10_000 },
    spares: 1,
    logger: (e) => logs.push(e),
  });
}, 180_000);
afterAll(() => host.close());

const version = async (res: Promise<{ status: number; json<T>(): T }>) => {
  const r = await res;
  return r.status === 200 ? r.json<{ version: string }>().version : `status ${r.status}`;
};

describe('reloading a function', () => {
  it('lets running and queued invocations of the old version finish on it; new ones reach the new version', async () => {
    const v1 = await host.load(wasm, { name: 'reloaded', env: { VERSION: '1' } });
    expect(await version(v1.invoke({ path: 'slow' }))).toBe('1');
    // One running (one worker), two queued on the host.
    const old = [0, 1, 2].map(() => v1.invoke({ path: 'slow', query: { ms: '150' } }));
    await new Promise((r) => setTimeout(r, 30));
    const v2 = await host.load(wasm, { name: 'reloaded', env: { VERSION: '2' } });
    // Accepted after the reload: through host.get, the new handle, and the old handle.
    const fresh = [
      host.get('default', 'reloaded')!.invoke({ path: 'slow' }),
      v2.invoke({ path: 'slow' }),
      v1.invoke({ path: 'slow' }),
    ];
    expect(await Promise.all(old.map(version))).toEqual(['1', '1', '1']);
    expect(await Promise.all(fresh.map(version))).toEqual(['2', '2', '2']);
    expect(host.get('default', 'reloaded')).toBe(v2);
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('explicit unload drains in-flight invocations, then refuses new ones clearly', async () => {
    const fn = await host.load(wasm, { name: 'dropped', env: { VERSION: 'x' } });
    const running = [0, 1].map(() => fn.invoke({ path: 'slow', query: { ms: '100' } }));
    await new Promise((r) => setTimeout(r, 20));
    fn.unload();
    expect(host.get('default', 'dropped')).toBeUndefined();
    expect(await Promise.all(running.map(version))).toEqual(['x', 'x']);
    const after = await fn.invoke({ path: 'slow' });
    expect(after.status).toBe(404);
    expect(after.text()).toBe(
      "the function 'dropped' (cache 'default') was unloaded from this host; load it again with host.load()",
    );
    await expect(fn.invokeStreaming({ path: 'slow' })).rejects.toBeInstanceOf(InvocationError);
    // Reloading the name afterwards works as a fresh load.
    const again = await host.load(wasm, { name: 'dropped', env: { VERSION: 'y' } });
    expect(await version(again.invoke({ path: 'slow' }))).toBe('y');
  });
});
