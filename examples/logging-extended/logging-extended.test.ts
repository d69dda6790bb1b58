// logging-extended built from source and run in the reference host: the three destinations get
// what their levels let through — topic `<fn>-system-logs` no function record, topic `<fn>` the
// debug, info and error records, CloudWatch the info and error records — and a malformed role
// ARN is refused by the host, which answers the crate's 500.
import { join } from 'node:path';
import { createHost, type FunctionHandle, type Host } from '@momento-functions/runtime';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';

// The host prints CloudWatch records as `[cloudwatch <group>] <record>` lines on its console
// output (it cannot reach CloudWatch); the test collects those lines.
const console: string[] = [];
let host: Host;
let fn: FunctionHandle;
beforeAll(async () => {
  host = await createHost({ backends: { log: { write: (line) => console.push(line) } } });
  fn = await host.load(join(import.meta.dirname, 'index.ts'), { name: 'greeter', cache: 'c' });
});
beforeEach(async () => {
  console.length = 0;
  await host.reset();
});
afterAll(() => host?.close());

const ROLE = 'arn:aws:iam::123456789012:role/momento-logs';
const published = (topic: string) =>
  host.topics.published({ cache: 'c', topic }).map((m) => (m.value.kind === 'text' ? m.value.text : m.value));
const settle = () => new Promise((r) => setTimeout(r, 20)); // deliveries are asynchronous

it('logs debug, info and error; each destination gets what its levels let through', async () => {
  const res = await fn.invoke({
    body: JSON.stringify({ iam_role_arn: ROLE, log_group_name: '/momento/greeter', name: 'Ada' }),
  });
  expect([res.status, res.headers, res.text()]).toEqual([
    200,
    [['content-type', 'application/json; charset=utf-8']],
    '{"message":"Hello, Ada!"}',
  ]);
  const lines = res.logs.map((r) => r.message);
  expect(res.logs.map((r) => [r.kind, r.level])).toEqual([
    ['function', 'debug'],
    ['function', 'info'],
    ['function', 'error'],
  ]);
  const at = (level: string, message: string) =>
    new RegExp(`^${level} \\S+Z example_logging_extended \\S+:\\d+ ${message.replace(/[{}()]/g, '\\$&')}$`);
  expect(lines[0]).toMatch(at('DEBUG', 'Logging a debug message'));
  expect(lines[1]).toMatch(
    at(
      'INFO',
      `Received request: Request { iam_role_arn: "${ROLE}", log_group_name: "/momento/greeter", name: "Ada" }`,
    ),
  );
  expect(lines[2]).toMatch(at('ERROR', 'Logging an error message'));
  await settle();
  expect(published('greeter-system-logs')).toEqual([]);
  expect(published('greeter')).toEqual(lines);
  expect(console.filter((l) => l.startsWith('[cloudwatch '))).toEqual([
    `[cloudwatch /momento/greeter] ${lines[1]}`,
    `[cloudwatch /momento/greeter] ${lines[2]}`,
  ]);
});

it('a role that is not an IAM role ARN: configure-logging is refused, 500 with the Debug text', async () => {
  const res = await fn.invoke({
    body: JSON.stringify({ iam_role_arn: 'not-an-arn', log_group_name: '/momento/greeter', name: 'Ada' }),
  });
  expect([res.status, res.headers]).toEqual([500, []]);
  expect(res.text()).toBe(
    `An error occurred during function invocation: Auth { message: "input 2: 'not-an-arn' is not an IAM role ARN (expected arn:aws:iam::<12-digit account>:role/<name>)" }`,
  );
  expect(res.logs.filter((r) => r.kind === 'function')).toEqual([]);
});
