// A local stand-in for Turbopuffer's v2 API (node:http on 127.0.0.1, a free port) for the
// examples' tests. It keeps namespaces in memory and checks requests as the service does:
//
// - every request: `POST`, `Authorization: Bearer <key>` (else 401), a JSON body (else 400);
// - `POST /v2/namespaces/<ns>` (write): `upsert_rows` of objects with an `id` and a numeric
//   `vector` of the namespace's dimensions, `distance_metric` `cosine_distance` or
//   `euclidean_squared` → `{"status":"OK","rows_affected":N,"billing":{…}}`;
// - `POST /v2/namespaces/<ns>/query`: the namespace must exist (else 404); `top_k` 1–1200;
//   optional `rank_by: ["vector","ANN",[…]]` of the right dimensions (rows ordered by cosine
//   distance, each with `$dist`; without it, by id and without `$dist`); `include_attributes`
//   (names or `true`); `filters` (`null`, `[attr, op, value]` with Eq, NotEq, In, NotIn, Lt, Lte,
//   Gt, Gte, Glob, NotGlob, `["And"|"Or", [filters]]`, `["Not", filter]`)
//   → `{"rows":[{"id",…,"$dist"?,…attributes}],"billing":{…},"performance":{…}}`.
//
// Errors have the service's shape, `{"status":"error","error":"<message>"}`.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Row = Record<string, unknown> & { id: string | number; vector: number[] };

export interface TurbopufferCall {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly json: unknown;
}

export interface TurbopufferStandIn {
  /** The base URL to configure as `TURBOPUFFER_BASE_URL`. */
  readonly baseUrl: string;
  readonly calls: TurbopufferCall[];
  /** Rows by namespace (seed or read them). */
  readonly namespaces: Map<string, Map<string, Row>>;
  close(): Promise<void>;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const COMPARISONS = new Set(['Eq', 'NotEq', 'In', 'NotIn', 'Lt', 'Lte', 'Gt', 'Gte', 'Glob', 'NotGlob']);

function glob(pattern: string, text: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(text);
}

function matches(filter: unknown, row: Row): boolean {
  if (!Array.isArray(filter)) throw new ApiError(400, `invalid filter: ${JSON.stringify(filter)}`);
  const [a, b, c] = filter as [unknown, unknown, unknown];
  if (filter.length === 2 && (a === 'And' || a === 'Or') && Array.isArray(b)) {
    return a === 'And' ? b.every((f) => matches(f, row)) : b.some((f) => matches(f, row));
  }
  if (filter.length === 2 && a === 'Not') return !matches(b, row);
  if (filter.length !== 3 || typeof a !== 'string' || typeof b !== 'string' || !COMPARISONS.has(b)) {
    throw new ApiError(400, `invalid filter: ${JSON.stringify(filter)}`);
  }
  const value = row[a];
  const list = Array.isArray(c) ? c : [];
  switch (b) {
    case 'Eq':
      return value === c;
    case 'NotEq':
      return value !== c;
    case 'In':
      return list.includes(value);
    case 'NotIn':
      return !list.includes(value);
    case 'Lt':
      return (value as number) < (c as number);
    case 'Lte':
      return (value as number) <= (c as number);
    case 'Gt':
      return (value as number) > (c as number);
    case 'Gte':
      return (value as number) >= (c as number);
    case 'Glob':
      return typeof value === 'string' && glob(String(c), value);
    default:
      return !(typeof value === 'string' && glob(String(c), value));
  }
}

function cosineDistance(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] ?? 0) * (b[i] ?? 0);
    na += (a[i] ?? 0) ** 2;
    nb += (b[i] ?? 0) ** 2;
  }
  return na === 0 || nb === 0 ? 1 : 1 - dot / Math.sqrt(na * nb);
}

const isVector = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');

function write(namespaces: Map<string, Map<string, Row>>, ns: string, body: Record<string, unknown>) {
  const rows = body.upsert_rows;
  if (!Array.isArray(rows)) throw new ApiError(400, 'upsert_rows must be an array');
  if (body.distance_metric !== 'cosine_distance' && body.distance_metric !== 'euclidean_squared') {
    throw new ApiError(400, 'distance_metric must be cosine_distance or euclidean_squared');
  }
  const namespace = namespaces.get(ns) ?? new Map<string, Row>();
  const dims = [...namespace.values()][0]?.vector.length ?? (rows[0] as Row | undefined)?.vector?.length;
  for (const row of rows as Row[]) {
    if (typeof row?.id !== 'string' && typeof row?.id !== 'number')
      throw new ApiError(400, 'row is missing `id`');
    if (!isVector(row.vector)) throw new ApiError(400, `row ${row.id}: vector must be an array of numbers`);
    if (row.vector.length !== dims) {
      throw new ApiError(400, `row ${row.id}: vector has ${row.vector.length} dimensions, expected ${dims}`);
    }
  }
  for (const row of rows as Row[]) namespace.set(String(row.id), row);
  namespaces.set(ns, namespace);
  const bytes = Buffer.byteLength(JSON.stringify(rows));
  return { status: 'OK', rows_affected: rows.length, billing: { billable_logical_bytes_written: bytes } };
}

function query(namespaces: Map<string, Map<string, Row>>, ns: string, body: Record<string, unknown>) {
  const namespace = namespaces.get(ns);
  if (!namespace) throw new ApiError(404, `namespace '${ns}' was not found`);
  const topK = body.top_k;
  if (typeof topK !== 'number' || !Number.isInteger(topK) || topK < 1 || topK > 1200) {
    throw new ApiError(400, 'top_k must be an integer between 1 and 1200');
  }
  let rank: number[] | undefined;
  if (body.rank_by !== undefined) {
    const [attr, kind, vector] = (Array.isArray(body.rank_by) ? body.rank_by : []) as unknown[];
    if (attr !== 'vector' || kind !== 'ANN' || !isVector(vector)) {
      throw new ApiError(400, `invalid rank_by: ${JSON.stringify(body.rank_by)}`);
    }
    const dims = [...namespace.values()][0]?.vector.length;
    if (vector.length !== dims) {
      throw new ApiError(400, `query vector has ${vector.length} dimensions, the namespace has ${dims}`);
    }
    rank = vector;
  }
  const include = body.include_attributes ?? [];
  if (include !== true && !(Array.isArray(include) && include.every((a) => typeof a === 'string'))) {
    throw new ApiError(400, 'include_attributes must be a list of attribute names or a boolean');
  }
  const filters = body.filters ?? null;
  const rows = [...namespace.values()].filter((row) => filters === null || matches(filters, row));
  const scored = rows.map((row) => ({ row, dist: rank ? cosineDistance(rank, row.vector) : undefined }));
  scored.sort((x, y) =>
    x.dist !== undefined && y.dist !== undefined && x.dist !== y.dist
      ? x.dist - y.dist
      : String(x.row.id) < String(y.row.id)
        ? -1
        : 1,
  );
  const out = scored.slice(0, topK).map(({ row, dist }) => {
    const names = include === true ? Object.keys(row).filter((k) => k !== 'id') : (include as string[]);
    const result: Record<string, unknown> = { id: row.id };
    if (dist !== undefined) result.$dist = dist;
    for (const name of names) if (name !== 'id' && name in row) result[name] = row[name];
    return result;
  });
  return {
    rows: out,
    billing: { billable_logical_bytes_queried: 256_000_000, billable_logical_bytes_returned: 1024 },
    performance: { cache_hit_ratio: 1, cache_temperature: 'hot', server_total_ms: 3, query_execution_ms: 2 },
  };
}

export async function startTurbopuffer(options: { apiKey: string }): Promise<TurbopufferStandIn> {
  const calls: TurbopufferCall[] = [];
  const namespaces = new Map<string, Map<string, Row>>();
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {}
    calls.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, json });
    try {
      const match = /^\/v2\/namespaces\/([A-Za-z0-9_.-]+)(\/query)?$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !match?.[1]) throw new ApiError(404, 'not found');
      if (req.headers.authorization !== `Bearer ${options.apiKey}`) {
        throw new ApiError(401, 'unauthorized: the API key is not valid');
      }
      if (json === null || typeof json !== 'object' || Array.isArray(json)) {
        throw new ApiError(400, 'the request body must be a JSON object');
      }
      const result = match[2]
        ? query(namespaces, match[1], json as Record<string, unknown>)
        : write(namespaces, match[1], json as Record<string, unknown>);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
    } catch (e) {
      const status = e instanceof ApiError ? e.status : 500;
      res
        .writeHead(status, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 'error', error: e instanceof Error ? e.message : String(e) }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    calls,
    namespaces,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
