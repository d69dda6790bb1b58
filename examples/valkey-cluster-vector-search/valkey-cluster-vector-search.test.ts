// valkey-cluster-vector-search built from source and run in the reference host against a real
// redis-server (through the host's Valkey service) and a local OpenAI stand-in
// (examples/shared/openai-stand-in.ts).
//
// Plain redis has no search module, so the Valkey service is wrapped: a well-formed
// `FT.SEARCH document_index "*=>[KNN <k> @vector $query_vector]" PARAMS 2 query_vector <bytes>`
// runs as an EVAL of a Lua script that does what the search module does — a cosine-distance KNN
// over the hashes that have a `vector` field of the query's size — and answers in its reply shape
// ([count, id, ["__vector_score", score, field, value, …], …]). Every other command (GET, SET, and
// FT.SEARCH on the `no-search` cluster) reaches redis unchanged.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { HostService } from '@momento-functions/runtime';
import { createHost, type FunctionHandle, type Host } from '@momento-functions/runtime';
import {
  createValkeyServices,
  type ValkeyClusterClient,
  type ValkeyCommandAnswer,
  type ValkeyWitCommand,
} from '@momento-functions/runtime/services/valkey';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { type RedisServer, startRedis } from '../../packages/cache/test/support/redis.js';
import { valkeyService } from '../../packages/valkey/test/host/support.js';
import { type OpenAiStandIn, startOpenAi } from '../shared/openai-stand-in.js';

const KNN = `
local k, q = tonumber(ARGV[1]), ARGV[2]
local function floats(b)
  local t = {}
  for i = 1, math.floor(#b / 4) do t[i] = struct.unpack('<f', b, (i - 1) * 4 + 1) end
  return t
end
local qv = floats(q)
local hits = {}
for _, key in ipairs(redis.call('KEYS', '*')) do
  if redis.call('TYPE', key).ok == 'hash' and redis.call('HEXISTS', key, 'vector') == 1 then
    local v = floats(redis.call('HGET', key, 'vector'))
    if #v == #qv then
      local dot, na, nb = 0, 0, 0
      for i = 1, #v do dot = dot + qv[i] * v[i]; na = na + qv[i] ^ 2; nb = nb + v[i] ^ 2 end
      local d = 1
      if na > 0 and nb > 0 then d = 1 - dot / math.sqrt(na * nb) end
      table.insert(hits, { key, d })
    end
  end
end
table.sort(hits, function(a, b) if a[2] ~= b[2] then return a[2] < b[2] end return a[1] < b[1] end)
local n = math.min(k, #hits)
local out = { n }
for i = 1, n do
  local fields = { '__vector_score', string.format('%.9g', hits[i][2]) }
  for _, x in ipairs(redis.call('HGETALL', hits[i][1])) do table.insert(fields, x) end
  table.insert(out, hits[i][1])
  table.insert(out, fields)
end
return out`;

type Command = (
  ctx: unknown,
  self: ValkeyClusterClient,
  cmd: ValkeyWitCommand,
) => Promise<ValkeyCommandAnswer>;
const sent: string[] = [];

function withSearch(service: HostService): HostService {
  const command = service.functions['[method]cluster-client.command'] as unknown as Command;
  const text = (d: ValkeyWitCommand['arguments'][number] | undefined) =>
    d?.tag === 'value' ? Buffer.from(d.val).toString('latin1') : '';
  const search: Command = (ctx, self, cmd) => {
    sent.push(cmd.command);
    const [index, query, params, two, name, vector] = cmd.arguments;
    const k = /^\*=>\[KNN (\d+) @vector \$query_vector\]$/.exec(text(query))?.[1];
    const wellFormed =
      cmd.command === 'FT.SEARCH' &&
      self.clusterName !== 'no-search' &&
      cmd.arguments.length === 6 &&
      text(index) === 'document_index' &&
      text(params) === 'PARAMS' &&
      text(two) === '2' &&
      text(name) === 'query_vector' &&
      vector?.tag === 'value' &&
      k !== undefined;
    if (!wellFormed) return command(ctx, self, cmd);
    const arg = (s: string | Uint8Array) => ({
      tag: 'value' as const,
      val: typeof s === 'string' ? Buffer.from(s) : s,
    });
    return command(ctx, self, { command: 'EVAL', arguments: [arg(KNN), arg('0'), arg(k), arg(vector.val)] });
  };
  return {
    ...service,
    functions: {
      ...service.functions,
      '[method]cluster-client.command': search as HostService['functions'][string],
    },
  };
}

let redis: RedisServer;
let openai: OpenAiStandIn;
let host: Host;
let fn: FunctionHandle;
const f32le = (...v: number[]) => Buffer.from(Float32Array.from(v).buffer);
const setup = async (...commands: (string | Buffer)[][]) => {
  const client = valkeyService({ clusters: { c: redis.url } });
  try {
    for (const [name, ...args] of commands) await client.command(client.client('c'), String(name), ...args);
  } finally {
    await client.close();
  }
};

beforeAll(async () => {
  redis = await startRedis();
  openai = await startOpenAi({
    apiKey: 'sk-test',
    embed: (t) => (t.startsWith('sweet') ? [1, 0, 0] : [0, 0, 1]),
  });
  const services = createValkeyServices({ clusters: { vectors: redis.url, 'no-search': redis.url } });
  host = await createHost({ services: services.map(withSearch), backends: { log: false } });
  fn = await host.load(join(import.meta.dirname, 'index.ts'), {
    name: 'vector-search',
    env: { CLUSTER_NAME: 'vectors', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.baseUrl },
  });
});
beforeEach(async () => {
  sent.length = 0;
  openai.calls.length = 0;
  await setup(
    ['FLUSHALL'],
    ['HSET', 'doc:1', 'title', 'Sugar', 'vector', f32le(1, 0, 0)],
    ['HSET', 'doc:2', 'vector', f32le(0, 1, 0), 'title', 'Salt', 'lang', 'en'],
    ['HSET', 'doc:3', 'title', 'Honey', 'vector', f32le(1, 1, 0)],
  );
});
afterAll(async () => {
  await host?.close();
  await openai?.close();
  await redis?.stop();
});

it('embeds the query once (cached under its SHA-256), answers the KNN hits without vectors', async () => {
  for (const round of [1, 2]) {
    const res = await fn.invoke({ body: '{"query":"sweet\\nthings","topk":2}' });
    expect([res.status, res.headers, res.text()], `round ${round}`).toEqual([
      200,
      [['content-type', 'application/json']],
      '[{"id":"doc:1","__vector_score":0.0,"title":"Sugar"},{"id":"doc:3","__vector_score":0.29289323,"title":"Honey"}]',
    ]);
  }
  expect(openai.calls.map((c) => [c.headers.authorization, c.body])).toEqual([
    [
      'Bearer sk-test',
      '{"encoding_format":"float","input":["sweet things"],"model":"text-embedding-3-small"}',
    ],
  ]);
  expect(sent).toEqual(['GET', 'SET', 'FT.SEARCH', 'GET', 'FT.SEARCH']);
  const key = createHash('sha256').update('sweet\nthings').digest();
  const check = valkeyService({ clusters: { c: redis.url } });
  try {
    expect(await check.command(check.client('c'), 'GET', key)).toEqual({
      tag: 'ok',
      val: { tag: 'data', val: { tag: 'value', val: new Uint8Array(f32le(1, 0, 0)) } },
    });
  } finally {
    await check.close();
  }
});

it('default top 5; every field but the vector', async () => {
  const res = await fn.invoke({ body: '{"query":"other"}' });
  // [0,0,1] is orthogonal to every document: all at distance 1, in id order.
  expect(res.text()).toBe(
    '[{"id":"doc:1","__vector_score":1.0,"title":"Sugar"},{"id":"doc:2","__vector_score":1.0,"title":"Salt","lang":"en"},{"id":"doc:3","__vector_score":1.0,"title":"Honey"}]',
  );
});

it('a server without the search module: 500 "Valkey error: <its error reply>"', async () => {
  const plain = await host.load(join(import.meta.dirname, 'index.ts'), {
    name: 'vector-search-plain',
    env: { CLUSTER_NAME: 'no-search', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.baseUrl },
  });
  const res = await plain.invoke({ body: '{"query":"sweet"}' });
  expect([res.status, res.headers]).toEqual([500, []]);
  expect(res.text()).toMatch(/^Valkey error: ERR unknown command 'FT\.SEARCH'/);
  expect(res.logs.filter((r) => r.level === 'error').map((r) => r.message)).toEqual([
    expect.stringMatching(/ Valkey error: ERR unknown command 'FT\.SEARCH'/),
  ]);
});

it('an unconfigured cluster: 500 with the Debug text of the ValkeyError', async () => {
  const nowhere = await host.load(join(import.meta.dirname, 'index.ts'), {
    name: 'vector-search-nowhere',
    env: { CLUSTER_NAME: 'nowhere', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.baseUrl },
  });
  const res = await nowhere.invoke({ body: '{"query":"sweet"}' });
  expect(res.status).toBe(500);
  expect(res.text()).toMatch(
    /^An error occurred during function invocation: Other\("no Valkey cluster named 'nowhere' is configured/,
  );
  expect(openai.calls).toEqual([]);
});
