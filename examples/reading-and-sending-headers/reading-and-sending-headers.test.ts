// reading-and-sending-headers built from source and run in the reference host: the response
// headers are exactly the requested ones, and the body lists the request headers except
// `authorization`.
import { join } from 'node:path';
import { createHost, type FunctionHandle, type Host } from '@momento-functions/runtime';
import { afterAll, beforeAll, expect, it } from 'vitest';

let host: Host;
let fn: FunctionHandle;
beforeAll(async () => {
  host = await createHost({ backends: { log: false } });
  fn = await host.load(join(import.meta.dirname, 'index.ts'), { name: 'headers' });
});
afterAll(() => host?.close());

it('sends back the requested headers and lists the received ones, without authorization', async () => {
  const res = await fn.invoke({
    headers: { 'X-Trace-Id': 'abc-123', authorization: 'secret key', accept: 'text/plain' },
    body: JSON.stringify({
      headers_to_send_back: { 'x-powered-by': 'momento', 'Cache-Control': 'no-store' },
    }),
  });
  expect([res.status, res.headers, res.text()]).toEqual([
    200,
    [
      ['x-powered-by', 'momento'],
      ['Cache-Control', 'no-store'],
    ],
    "You sent this with headers: 'x-trace-id'='abc-123' | 'accept'='text/plain'",
  ]);
});

it('no headers to send back and none received but authorization: no headers, empty list', async () => {
  const res = await fn.invoke({
    headers: { authorization: 'secret key' },
    body: '{"headers_to_send_back":{}}',
  });
  expect([res.status, res.headers, res.text()]).toEqual([200, [], 'You sent this with headers: ']);
});

it('a body without headers_to_send_back: 400 from the extractor', async () => {
  const res = await fn.invoke({ body: '{}' });
  expect(res.status).toBe(400);
  expect(res.headers).toEqual([]);
  expect(res.text()).toMatch(/^Failed to parse request body: .*headers_to_send_back/);
});
