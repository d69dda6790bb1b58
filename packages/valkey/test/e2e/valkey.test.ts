// @momento-functions/valkey end to end: test/e2e/guest.ts built into a real component
// (componentize-js), run in the reference host (createHost, jco) with the real Valkey service
// against a real redis-server. Every WIT `value` case, errors, binary data, s64 bounds, nested and
// partly read streams, as the guest package hands them to the function.
// Needs the packages built (`npm run build`): the guest imports them by name.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from '@momento-functions/build';
import { createHost, type FunctionHandle, type Host } from '@momento-functions/runtime';
import { createValkeyServices } from '@momento-functions/runtime/services/valkey';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedis } from '../../../cache/test/support/redis.js';

let redis: RedisServer;
let host: Host;
let fn: FunctionHandle;

beforeAll(async () => {
  const { report } = await build({
    entry: join(import.meta.dirname, 'guest.ts'),
    outFile: join(tmpdir(), `momento-valkey-e2e-${process.pid}.wasm`),
  });
  redis = await startRedis();
  host = await createHost({
    services: createValkeyServices({ clusters: { main: redis.url } }),
    backends: { log: false },
  });
  fn = await host.load(report.wasmPath, { name: 'valkey-e2e' });
});
afterAll(async () => {
  await host?.close();
  await redis?.stop();
});

type Step = Record<string, unknown>;
async function run(...steps: Step[]): Promise<unknown[]> {
  const res = await fn.invoke({ method: 'POST', body: JSON.stringify({ steps }) });
  const text = res.text();
  if (res.status !== 200) throw new Error(`the guest answered ${res.status}: ${text}`);
  return JSON.parse(text) as unknown[];
}
const cmd = (command: string, ...args: unknown[]): Step => ({ command, args });

describe('every reply reaches the guest as its own value case', () => {
  it('ok, data, nil, int, simple-string, simple-error', async () => {
    expect(
      await run(
        cmd('DEL', 'k', 'n'),
        cmd('SET', 'k', 'hello'),
        cmd('GET', 'k'),
        cmd('GET', 'missing'),
        cmd('INCR', 'n'),
        cmd('PING'),
        cmd('LPUSH', 'k', 'x'),
        cmd('SET', 'status', 'OK'),
        cmd('GET', 'status'),
      ),
    ).toEqual([
      { int: '0', type: 'bigint' },
      'ok',
      { data: 'hello', hex: '68656c6c6f' },
      'nil',
      { int: '1', type: 'bigint' },
      { simple: 'PONG' },
      { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' },
      'ok',
      // A bulk string whose text is OK stays data; only the status +OK is `ok`.
      { data: 'OK', hex: '4f4b' },
    ]);
  });

  it('integers are exact at the s64 bounds', async () => {
    expect(
      await run(
        cmd('SET', 'big', '9223372036854775806'),
        cmd('INCR', 'big'),
        cmd('SET', 'small', '-9223372036854775807'),
        cmd('DECR', 'small'),
        cmd('INCR', 'big'),
      ),
    ).toEqual([
      'ok',
      { int: '9223372036854775807', type: 'bigint' },
      'ok',
      { int: '-9223372036854775808', type: 'bigint' },
      { error: 'ERR increment or decrement would overflow' },
    ]);
  });

  it('binary arguments and values cross unchanged, numbers are sent as decimal text', async () => {
    const all = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0')).join('');
    expect(
      await run(
        cmd('SET', { hex: '00ff' }, { hex: all }),
        cmd('GET', { hex: '00ff' }),
        cmd('SET', 'num', 2.5),
        cmd('GET', 'num'),
      ),
    ).toEqual(['ok', { data: expect.any(String), hex: all }, 'ok', { data: '2.5', hex: '322e35' }]);
  });

  it('arrays are bulk values, nested arrays nested bulks, with Lua status and error replies', async () => {
    expect(
      await run(
        cmd('DEL', 'list'),
        cmd('RPUSH', 'list', 'a', 'b', 'c'),
        cmd('LRANGE', 'list', 0, -1),
        cmd('LRANGE', 'list', 5, 9),
        cmd(
          'EVAL',
          "return {1, {'x', {2, false}}, redis.status_reply('FINE'), redis.error_reply('BAD no')}",
          0,
        ),
      ),
    ).toEqual([
      expect.objectContaining({ int: expect.any(String) }),
      { int: '3', type: 'bigint' },
      {
        bulk: [
          { data: 'a', hex: '61' },
          { data: 'b', hex: '62' },
          { data: 'c', hex: '63' },
        ],
      },
      { bulk: [] },
      {
        bulk: [
          { int: '1', type: 'bigint' },
          { bulk: [{ data: 'x', hex: '78' }, { bulk: [{ int: '2', type: 'bigint' }, 'nil'] }] },
          { simple: 'FINE' },
          { error: 'BAD no' },
        ],
      },
    ]);
  });

  it('a bulk read in part and closed early ends there; the client goes on', async () => {
    expect(
      await run(
        cmd('DEL', 'l2'),
        cmd('RPUSH', 'l2', 'one', 'two', 'three'),
        { firstThenClose: 'LRANGE', args: ['l2', 0, -1] },
        cmd('LLEN', 'l2'),
      ),
    ).toEqual([
      expect.objectContaining({ int: expect.any(String) }),
      { int: '3', type: 'bigint' },
      { first: { data: 'one', hex: '6f6e65' }, afterClose: true },
      { int: '3', type: 'bigint' },
    ]);
  });

  it('crate-style Command builders run like command(name, ...args)', async () => {
    expect(
      await run({ builder: 'HSET', args: ['h', 'f', 'v'] }, { builder: 'HGET', args: ['h', 'f'] }),
    ).toEqual([expect.objectContaining({ int: expect.any(String) }), { data: 'v', hex: '76' }]);
  });
});

describe('commands without a reply are ValkeyErrors', () => {
  it('an unknown cluster: case other, the host text, the crate Display and Debug', async () => {
    const [answer] = await run({ cluster: 'nowhere', command: 'PING' });
    const detail = (answer as { valkeyError: { detail: string } }).valkeyError.detail;
    expect(detail).toMatch(/^no Valkey cluster named 'nowhere' is configured/);
    expect(answer).toEqual({
      valkeyError: {
        case: 'other',
        detail,
        message: `valkey error: ${detail}`,
        debug: `Other(${JSON.stringify(detail)})`,
      },
    });
  });

  it('a refused blocking command fails; the next command on the same client still answers', async () => {
    const [refused, after] = await run(cmd('BLPOP', 'q', 0), cmd('PING'));
    expect(refused).toMatchObject({
      valkeyError: { case: 'other', detail: expect.stringMatching(/^BLPOP is not supported/) },
    });
    expect(after).toEqual({ simple: 'PONG' });
  });
});
