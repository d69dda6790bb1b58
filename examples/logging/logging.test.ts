// logging built from source and run in the reference host: the greeting, the info record in the
// crate's format, and that record delivered to the topic named after the function.
import { join } from 'node:path';
import { createHost, type FunctionHandle, type Host } from '@momento-functions/runtime';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';

let host: Host;
let fn: FunctionHandle;
beforeAll(async () => {
  host = await createHost({ backends: { log: false } });
  fn = await host.load(join(import.meta.dirname, 'index.ts'), { name: 'logging', cache: 'c' });
});
beforeEach(() => host.reset());
afterAll(() => host?.close());

const published = (topic: string) =>
  host.topics.published({ cache: 'c', topic }).map((m) => (m.value.kind === 'text' ? m.value.text : m.value));
const settle = () => new Promise((r) => setTimeout(r, 20)); // topic delivery is asynchronous

it('greets, logs the request at info and delivers it to the topic <function>', async () => {
  const res = await fn.invoke({ body: '{"name":"Ada \\"L\\""}' });
  expect([res.status, res.headers, res.text()]).toEqual([
    200,
    [['content-type', 'application/json; charset=utf-8']],
    '{"message":"Hello, Ada \\"L\\"!"}',
  ]);
  const records = res.logs.map((r) => [r.kind, r.level, r.message]);
  expect(records).toEqual([['function', 'info', expect.any(String)]]);
  const line = res.logs[0]?.message ?? '';
  expect(line).toMatch(
    /^INFO \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z example_logging \S+:\d+ Received request: Request \{ name: "Ada \\"L\\"" \}$/,
  );
  await settle();
  expect(published('logging')).toEqual([line]);
});

it('a body that is not {name}: 400, nothing logged', async () => {
  const res = await fn.invoke({ body: '{"nom":"x"}' });
  expect(res.status).toBe(400);
  expect(res.text()).toMatch(/^Failed to parse request body: /);
  expect(res.logs).toEqual([]);
});
