// environment-variables built from source and run in the reference host: the body lists the
// configured variables and the three the host adds, `K=V` joined by newlines.
import { join } from 'node:path';
import { createHost, type Host } from '@momento-functions/runtime';
import { afterAll, beforeAll, expect, it } from 'vitest';

let host: Host;
beforeAll(async () => {
  host = await createHost({ backends: { log: false } });
});
afterAll(() => host?.close());

it('answers 200 text/plain with every variable as K=V, one per line', async () => {
  const fn = await host.load(join(import.meta.dirname, 'index.ts'), {
    name: 'env-vars',
    cache: 'my-cache',
    env: { GREETING: 'hello world', EMPTY: '', 'WITH=EQUALS': 'a=b' },
  });
  const res = await fn.invoke({ method: 'GET', invocationId: 'inv-1' });
  expect([res.status, res.headers, res.text()]).toEqual([
    200,
    [['content-type', 'text/plain; charset=utf-8']],
    [
      'GREETING=hello world',
      'EMPTY=',
      'WITH=EQUALS=a=b',
      '__CACHE_NAME=my-cache',
      '__FUNCTION_NAME=env-vars',
      '__INVOCATION_ID=inv-1',
    ].join('\n'),
  ]);
});
