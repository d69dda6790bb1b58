// web-function-token-metadata built from source and run in the reference host: the caller
// token's metadata (`token_id`) is echoed, or a hint when there is none.
import { join } from 'node:path';
import { createHost, type FunctionHandle, type Host } from '@momento-functions/runtime';
import { afterAll, beforeAll, expect, it } from 'vitest';

let host: Host;
let fn: FunctionHandle;
beforeAll(async () => {
  host = await createHost({ backends: { log: false } });
  fn = await host.load(join(import.meta.dirname, 'index.ts'), { name: 'token-metadata' });
});
afterAll(() => host?.close());

const JSON_CT = [['content-type', 'application/json; charset=utf-8']];

it('echoes the token metadata', async () => {
  const res = await fn.invoke({ tokenMetadata: '{"user":"kvc","tier":"gold"}' });
  expect([res.status, res.headers, res.text()]).toEqual([
    200,
    JSON_CT,
    '{"message":"Token metadata provided: {\\"user\\":\\"kvc\\",\\"tier\\":\\"gold\\"}"}',
  ]);
});

it('without metadata, says how to get some', async () => {
  const res = await fn.invoke({});
  expect([res.status, res.headers, res.text()]).toEqual([
    200,
    JSON_CT,
    `{"message":"No metadata provided, try invoking with a Momento key that was generated with a populated 'token_id' field"}`,
  ]);
});
