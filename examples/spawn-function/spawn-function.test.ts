// spawn-function built from source and run in the reference host: every payload succeeds.
import { join } from 'node:path';
import { createHost, type Host } from '@momento-functions/runtime';
import { afterAll, beforeAll, expect, it } from 'vitest';

let host: Host;
beforeAll(async () => {
  host = await createHost({ backends: { log: false } });
});
afterAll(() => host?.close());

it('answers ok for any payload: empty, text, JSON, binary', async () => {
  const fn = await host.load(join(import.meta.dirname, 'index.ts'), { name: 'spawn-function' });
  for (const payload of ['', 'anything', '{"_name":"x"}', new Uint8Array([0, 255, 1])]) {
    expect(await fn.spawn(payload)).toEqual({ tag: 'ok' });
  }
});
