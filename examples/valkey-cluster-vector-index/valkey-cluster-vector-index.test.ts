// The valkey-cluster-vector-index port in the reference host, against a real
// redis-server through the Valkey host service. The host service is wrapped to record every
// command the function sends and the value case it answered, so the tests see what the function
// decided from the values it got: FT.INFO's answer decides whether FT.CREATE runs (bulk, ok or
// simple-string: no; anything else: yes), the documents land as hashes with their f32 vectors,
// FT.* error replies do not fail the request (as with the crate), and an unconfigured cluster
// answers the crate's Debug text.
import { join } from 'node:path';
import { build } from '@momento-functions/build';
import type { HostService } from '@momento-functions/runtime';
import { createHost, type FunctionHandle, type Host } from '@momento-functions/runtime';
import {
  createValkeyServices,
  type ValkeyClusterClient,
  type ValkeyCommandAnswer,
  type ValkeyWitCommand,
} from '@momento-functions/runtime/services/valkey';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RedisServer, startRedis } from '../../packages/cache/test/support/redis.js';
import { valkeyService } from '../../packages/valkey/test/host/support.js';

const { report } = await build({ entry: join(import.meta.dirname, 'index.ts') });

/** One command as the function sent it (arguments as text, `vector` bytes as floats) and the case answered. */
interface Sent {
  readonly cluster: string;
  readonly command: string;
  readonly args: (string | number[])[];
  readonly answered: string;
}
const sent: Sent[] = [];

/**
 * What `FT.INFO document_index` runs as, per cluster name: the real server has no search module
 * (it answers FT.INFO with an error reply), so these clusters stand for one whose index exists
 * (bulk), or a server answering other value cases.
 */
const FT_INFO_AS: Record<string, string[]> = {
  'index-bulk': ['LRANGE', 'ft-info', '0', '-1'],
  'index-ok': ['SET', 'ft-info-ok', '1'],
  'index-simple': ['PING'],
  'index-nil': ['GET', 'no-such-key'],
  'index-int': ['EXISTS', 'no-such-key'],
};

function recording(service: HostService): HostService {
  const command = service.functions['[method]cluster-client.command'] as unknown as (
    ctx: unknown,
    self: ValkeyClusterClient,
    command: ValkeyWitCommand,
  ) => Promise<ValkeyCommandAnswer>;
  const text = (d: ValkeyWitCommand['arguments'][number]) =>
    d.tag === 'value' ? new TextDecoder().decode(d.val) : '<buffer>';
  return {
    ...service,
    functions: {
      ...service.functions,
      '[method]cluster-client.command': (async (
        ctx: unknown,
        self: ValkeyClusterClient,
        cmd: ValkeyWitCommand,
      ) => {
        const as = cmd.command === 'FT.INFO' ? FT_INFO_AS[self.clusterName] : undefined;
        const run = as
          ? {
              command: as[0] ?? '',
              arguments: as.slice(1).map((a) => ({ tag: 'value' as const, val: Buffer.from(a) })),
            }
          : cmd;
        const answer = await command(ctx, self, run);
        const args = cmd.arguments.map((d, i) =>
          cmd.command === 'HSET' && i > 0 && text(cmd.arguments[i - 1]!) === 'vector' && d.tag === 'value'
            ? Array.from(new Float32Array(new Uint8Array(d.val).buffer))
            : text(d),
        );
        sent.push({ cluster: self.clusterName, command: cmd.command, args, answered: answer.tag });
        return answer;
      }) as HostService['functions'][string],
    },
  };
}

let redis: RedisServer;
let host: Host;
const load = (cluster: string): Promise<FunctionHandle> =>
  host.load(report.wasmPath, { name: `indexer-${cluster}`, env: { CLUSTER_NAME: cluster } });
const index = async (cluster: string, documents: unknown[]) => {
  const res = await (await load(cluster)).invoke({ body: JSON.stringify({ documents }) });
  return [res.status, res.headers, res.text()];
};
const INDEXED = (n: number) => [200, [], `{"indexed_count":${n},"message":"Documents indexed successfully"}`];
const CREATE = ['document_index', 'SCHEMA', 'vector', 'VECTOR', 'HNSW', '6', 'TYPE', 'FLOAT32', 'DIM'];

beforeAll(async () => {
  redis = await startRedis();
  const names = ['vector-cluster', ...Object.keys(FT_INFO_AS)];
  const services = createValkeyServices({ clusters: Object.fromEntries(names.map((n) => [n, redis.url])) });
  host = await createHost({ services: services.map(recording), backends: { log: false } });
  const setup = valkeyService({ clusters: { c: redis.url } });
  await setup.command(setup.client('c'), 'RPUSH', 'ft-info', 'index_name', 'document_index');
  await setup.close();
});
afterAll(async () => {
  await host?.close();
  await redis?.stop();
});
beforeEach(() => {
  sent.length = 0;
});

it('builds into a component importing momento:valkey (resources and all)', () => {
  expect(report.kind).toBe('web');
  expect(report.momentoImports).toContain('momento:valkey/valkey@1.0.0');
});

describe('valkey-cluster-vector-index in the reference host', () => {
  it('no index (FT.INFO is an error reply): FT.CREATE with the dimensions, then one HSET per document', async () => {
    const documents = [
      { id: 'doc:1', embedding: [0.5, -1, 2.25], fields: { title: 'One', lang: 'en' } },
      { id: 'doc:2', embedding: [1, 0, 0], fields: { title: 'Two' } },
    ];
    expect(await index('vector-cluster', documents)).toEqual(INDEXED(2));
    expect(sent).toEqual([
      { cluster: 'vector-cluster', command: 'FT.INFO', args: ['document_index'], answered: 'simple-error' },
      {
        cluster: 'vector-cluster',
        command: 'FT.CREATE',
        args: [...CREATE, '3', 'DISTANCE_METRIC', 'COSINE'],
        answered: 'simple-error',
      },
      {
        cluster: 'vector-cluster',
        command: 'HSET',
        args: ['doc:1', 'title', 'One', 'lang', 'en', 'vector', [0.5, -1, 2.25]],
        answered: 'int',
      },
      {
        cluster: 'vector-cluster',
        command: 'HSET',
        args: ['doc:2', 'title', 'Two', 'vector', [1, 0, 0]],
        answered: 'int',
      },
    ]);
    // What the server holds afterwards, read through the same service.
    const check = valkeyService({ clusters: { c: redis.url } });
    try {
      const c = check.client('c');
      expect(await check.command(c, 'HGET', 'doc:1', 'title')).toEqual({
        tag: 'ok',
        val: { tag: 'data', val: { tag: 'value', val: new TextEncoder().encode('One') } },
      });
      const vector = await check.command(c, 'HGET', 'doc:1', 'vector');
      const bytes =
        vector.tag === 'ok' && vector.val.tag === 'data' && vector.val.val.tag === 'value'
          ? vector.val.val.val
          : undefined;
      expect(bytes && Array.from(new Float32Array(new Uint8Array(bytes).buffer))).toEqual([0.5, -1, 2.25]);
      expect(await check.command(c, 'HLEN', 'doc:2')).toEqual({ tag: 'ok', val: { tag: 'int', val: 2n } });
    } finally {
      await check.close();
    }
  });

  it.each([
    ['index-bulk', 'bulk'],
    ['index-ok', 'ok'],
    ['index-simple', 'simple-string'],
  ])('FT.INFO answering %s (%s): the index exists, no FT.CREATE', async (cluster, answered) => {
    expect(await index(cluster, [{ id: `${cluster}:1`, embedding: [1, 2], fields: {} }])).toEqual(INDEXED(1));
    expect(sent.map((s) => [s.command, s.answered])).toEqual([
      ['FT.INFO', answered],
      ['HSET', 'int'],
    ]);
  });

  it.each([
    ['index-nil', 'nil'],
    ['index-int', 'int'],
  ])('FT.INFO answering %s (%s): not an index, FT.CREATE runs', async (cluster, answered) => {
    expect(await index(cluster, [{ id: `${cluster}:1`, embedding: [1, 2], fields: { a: 'b' } }])).toEqual(
      INDEXED(1),
    );
    expect(sent.map((s) => [s.command, s.answered])).toEqual([
      ['FT.INFO', answered],
      ['FT.CREATE', 'simple-error'],
      ['HSET', 'int'],
    ]);
    expect(sent[1]?.args).toEqual([...CREATE, '2', 'DISTANCE_METRIC', 'COSINE']);
  });

  it('no documents: 400 "No documents provided" without content-type, no command sent', async () => {
    expect(await index('vector-cluster', [])).toEqual([400, [], 'No documents provided']);
    expect(sent).toEqual([]);
  });

  it('an unconfigured cluster: 500 with the crate Debug text of the ValkeyError', async () => {
    const res = await (await load('nowhere')).invoke({
      body: JSON.stringify({ documents: [{ id: 'x', embedding: [1], fields: {} }] }),
    });
    expect(res.status).toBe(500);
    expect(res.text()).toMatch(
      /^An error occurred during function invocation: Other\("no Valkey cluster named 'nowhere' is configured/,
    );
    // FT.INFO failed without a reply (err), which the crate's example treats as "no index".
    expect(sent.map((s) => [s.command, s.answered])).toEqual([
      ['FT.INFO', 'err'],
      ['FT.CREATE', 'err'],
    ]);
  });
});
