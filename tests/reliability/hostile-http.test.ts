/**
 * Hostile HTTP, as property-based tests (fast-check), against a server on loopback, over raw
 * `net` sockets: generated methods, request targets (paths, queries, percent-encoded CR/LF, NUL,
 * invalid UTF-8, raw bytes), HTTP versions, headers (CR/LF, obs-fold, latin1 bytes, oversize),
 * bodies (binary, chunked, broken chunking, conflicting lengths). The guest is a header-echo WAT
 * component: it sets every request header, one `x-query` per query parameter and `x-path` as
 * response headers, so whatever the client sends comes back in headers the guest did set.
 *
 * Properties: the server answers every request and closes within a bound, never with a 5xx for
 * what the client sent (the one 5xx allowed is 502 for a guest header HTTP cannot carry, which
 * the guest produced), every response head is well-formed (no bare CR/LF, every line a header),
 * and no response carries a header that was neither sent by the client nor set by the guest or
 * the server (the marker `x-evil` only ever travels percent-encoded). The server answers
 * /_momento/health after every run. CI: 1,000 runs of each property; MF_RELIABILITY_LONG=1: 10,000.
 */
import { createHost, type Host } from '@momento-functions/runtime';
import {
  type ConfiguredServer,
  createServer,
  servableFromHandle,
  silentLogger,
} from '@momento-functions/runtime/server';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fixture,
  MiB,
  type ParsedHead,
  parseHead,
  pick,
  rawExchange,
  report,
  rssSampler,
  sleep,
  watHeaderEcho,
} from './support.js';

const RUNS = pick(1_000, 10_000);
const SEED = 20_261_207;
const EXCHANGE_TIMEOUT_MS = 8_000;
const TIMEOUTS = {
  headersMs: 2_000,
  requestMs: 4_000,
  keepAliveMs: 500,
  bodyIdleMs: 800,
  minBodyBytesPerSecond: 1_000,
};

/** Headers the server itself writes; any other response header must come from the request. */
const SERVER_HEADERS = new Set([
  'content-length',
  'content-type',
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'x-invocation-id',
  'allow',
  'retry-after',
]);
/** What the echo guest adds. */
const GUEST_HEADERS = new Set(['x-path', 'x-query']);

let host: Host;
let server: ConfiguredServer;
let port: number;

beforeAll(async () => {
  host = await createHost({
    backends: { log: false },
    logger: () => undefined,
    limits: { timeoutMs: 5_000 },
  });
  const functions = [
    servableFromHandle(await host.load(await watHeaderEcho(), { name: 'echoh' })),
    servableFromHandle(await host.load(fixture('rust-official', 'ping'), { name: 'ping' })),
  ];
  server = await createServer({ host, functions, logger: silentLogger, timeouts: TIMEOUTS });
  port = Number(new URL(await server.listen(0, '127.0.0.1')).port);
});
afterAll(async () => {
  await server?.close();
  await host?.close();
});

async function healthy(): Promise<boolean> {
  const { raw } = await rawExchange(
    port,
    'GET /_momento/health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n',
  );
  return parseHead(raw)?.status === 200;
}

/** The final response (after any 1xx interim ones). */
function finalHead(raw: Buffer): ParsedHead | undefined {
  let rest = raw;
  for (let i = 0; i < 4; i++) {
    const head = parseHead(rest);
    if (!head || head.status >= 200 || head.status === 0) return head;
    rest = head.body;
  }
  return parseHead(rest);
}

// ---- generators --------------------------------------------------------------------------

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
const pct = (bytes: Uint8Array) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

/** One path segment or query piece. */
const piece = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9._~-]{0,12}$/) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 8 }).map(pct) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '%0D%0Ax-evil:%201',
      '%0Ax-evil:%201',
      '%0Dx-evil:%201',
      '%0D%0A%0D%0Ax-evil:%201',
      'a%00b',
      '%ff%fe%fd',
      '%c3%28',
      '%ed%a0%80',
      '%E2%80%A8x-evil:%201',
      '..',
      '.',
      '%2e%2e',
      '%',
      '%zz',
      '%%%',
      '\u00e9',
    ),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 6 }).map(latin1) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 9_000 }).map((n) => 'p'.repeat(n)) },
);

const PREFIXES = [
  '/functions/default/echoh',
  '/functions/default/echoh/',
  '/spaces/default/functions/echoh/invoke',
  '/spaces/default/functions/echoh/invoke/a/b/c',
  '/spaces/default/functions/echoh/async-invoke',
  '/spaces/default/functions/echoh/spawn',
  '/functions/default/ping',
  '/functions/other/echoh',
  '/functions/default/',
  '/spaces/default/functions/nope/invoke',
  '/_momento/health',
  '/_momento/functions',
  '/_momento/dead-letters/x/retry',
  '/_momento/',
  '/',
  '*',
  '',
  'http://127.0.0.1/functions/default/echoh',
  '//functions//default//echoh',
];

const target = fc
  .tuple(
    fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom(...PREFIXES.slice(0, 4)) },
      { weight: 1, arbitrary: fc.constantFrom(...PREFIXES) },
    ),
    fc.array(piece, { maxLength: 4 }),
    fc.option(fc.array(fc.tuple(piece, fc.option(piece)), { maxLength: 5 })),
  )
  .map(([prefix, segments, query]) => {
    const path = segments.length ? `${prefix}/${segments.join('/')}` : prefix;
    if (!query) return path;
    return `${path}?${query.map(([n, v]) => (v === null ? n : `${n}=${v}`)).join('&')}`;
  });

const method = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS') },
  {
    weight: 1,
    arbitrary: fc.constantFrom('CONNECT', 'TRACE', 'PRI', 'get', 'M-SEARCH', 'PROPFIND', 'QUERY'),
  },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Z]{1,12}$/) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 8 }).map(latin1) },
);

const version = fc.constantFrom(
  'HTTP/1.1',
  'HTTP/1.1',
  'HTTP/1.1',
  'HTTP/1.1',
  'HTTP/1.0',
  'HTTP/2.0',
  'HTTP/0.9',
  'HTTP/1.1 extra',
  'HTTX/1.1',
  'http/1.1',
  '',
);

const headerName = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'x-a',
      'accept',
      'content-type',
      'user-agent',
      'cookie',
      'x-callback-url',
      'expect',
      'authorization',
      'x-momento-authorization',
      'x-forwarded-for',
      'set-cookie',
      'location',
      'x-function-status',
      'x-invocation-id',
      'upgrade',
      'te',
      'trailer',
    ),
  },
  { weight: 2, arbitrary: fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9-]{0,20}$/) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 10 }).map(latin1) },
  { weight: 1, arbitrary: fc.constantFrom('', ' x', 'x y', 'x:y', 'é') },
);

const headerValue = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }).filter((s) => !/[\r\n]/.test(s)) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 30 }).map(latin1) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'a\rb',
      'a\r\n b',
      'a\r\n\tb',
      'a\u0000b',
      '\u00ff\u00fe',
      '\u00c3\u0028',
      'http://127.0.0.1:1/cb',
      'javascript:alert(1)',
      '100-continue',
      'websocket',
      'chunked',
      'gzip, chunked',
      '-1',
      '99999999999999999999',
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 80_000 }).map((n) => 'v'.repeat(n)) },
);

/** How the body is framed. */
const body = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'none' as const, bytes: new Uint8Array(0) }) },
  {
    weight: 3,
    arbitrary: fc.uint8Array({ maxLength: 2_000 }).map((bytes) => ({ kind: 'length' as const, bytes })),
  },
  {
    weight: 2,
    arbitrary: fc.uint8Array({ maxLength: 500 }).map((bytes) => ({ kind: 'chunked' as const, bytes })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        'zz\r\nabc\r\n0\r\n\r\n',
        '5\r\nabc\r\n0\r\n\r\n',
        '-1\r\n\r\n',
        'ffffffffffffffff\r\nx\r\n0\r\n\r\n',
        '3;ext="\r\nabc\r\n0\r\n\r\n',
      )
      .map((raw) => ({ kind: 'bad-chunked' as const, bytes: Buffer.from(raw, 'latin1') })),
  },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ maxLength: 100 }).map((bytes) => ({ kind: 'both' as const, bytes })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('abc', '-1', '1, 2', '0x10', ' 3 ', '3, 3')
      .map((cl) => ({ kind: 'bad-length' as const, bytes: Buffer.from('abc'), cl })),
  },
);

const request = fc.record({
  method,
  target,
  version,
  headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 8 }),
  body,
});

/** Requests HTTP/1.1 accepts, with hostile content: they reach the routes and the guest. */
const tchar = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,24}$/;
const fieldValue = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[\x20-\x7e]{0,60}$/).map((s) => s.trim()) },
  {
    weight: 2,
    arbitrary: fc
      .uint8Array({ maxLength: 30 })
      .map((b) => latin1(b.map((x) => (x < 0x20 || x === 0x7f ? 0x80 | x : x))).trim()),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '\u00ff\u00fe',
      '\u00c3\u0028',
      '\u00ed\u00a0\u0080',
      'a\tb',
      'http://127.0.0.1:1/cb',
      '100-continue',
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 20_000 }).map((n) => 'v'.repeat(n)) },
);
const cleanTarget = target.filter((t) => /^[\x21-\x7e]+$/.test(t));
const wellFormed = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
  target: cleanTarget,
  version: fc.constant('HTTP/1.1'),
  headers: fc.array(
    fc.tuple(
      fc.oneof(
        headerName.filter((n) => tchar.test(n)),
        fc.stringMatching(tchar),
      ),
      fieldValue,
    ),
    { maxLength: 8 },
  ),
  body: body.filter((b) => b.kind === 'none' || b.kind === 'length' || b.kind === 'chunked'),
});

type Req = typeof request extends fc.Arbitrary<infer T> ? T : never;

function serialize(r: Req): Buffer {
  const lines = [`${r.method} ${r.target} ${r.version}`.trimEnd(), 'host: 127.0.0.1'];
  for (const [n, v] of r.headers) lines.push(`${n}: ${v}`);
  lines.push('connection: close');
  const b = r.body;
  let bodyBytes: Buffer = Buffer.alloc(0);
  if (b.kind === 'length') {
    lines.push(`content-length: ${b.bytes.length}`);
    bodyBytes = Buffer.from(b.bytes);
  } else if (b.kind === 'chunked') {
    lines.push('transfer-encoding: chunked');
    bodyBytes = Buffer.concat([
      ...(b.bytes.length
        ? [Buffer.from(`${b.bytes.length.toString(16)}\r\n`), Buffer.from(b.bytes), Buffer.from('\r\n')]
        : []),
      Buffer.from('0\r\n\r\n'),
    ]);
  } else if (b.kind === 'bad-chunked') {
    lines.push('transfer-encoding: chunked');
    bodyBytes = Buffer.from(b.bytes);
  } else if (b.kind === 'both') {
    lines.push(`content-length: ${b.bytes.length}`, 'transfer-encoding: chunked');
    bodyBytes = Buffer.concat([Buffer.from(b.bytes)]);
  } else if (b.kind === 'bad-length') {
    lines.push(`content-length: ${b.cl}`);
    bodyBytes = Buffer.from(b.bytes);
  }
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), bodyBytes]);
}

/** Header names the client sent, however the server splits lines (CRLF, bare LF, bare CR). */
function sentNames(raw: Buffer): Set<string> {
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end < 0 ? raw.length : end).toString('latin1');
  const names = new Set<string>();
  for (const line of head.split(/\r\n|\n|\r/)) {
    const colon = line.indexOf(':');
    if (colon > 0) names.add(line.slice(0, colon).trim().toLowerCase());
  }
  return names;
}

/** The request for a failure message: runs of one character shortened to `c×n`. */
const shorten = (text: string) =>
  JSON.stringify(text.replace(/(.)\1{15,}/gs, (run, c: string) => `${c}×${run.length}`)).slice(0, 4_000);

interface Tally {
  runs: number;
  statuses: Record<string, number>;
  guest502: number;
  noAnswer: number;
  /** Open finding: a target starting with `//` and no valid host after it answers 500 Invalid URL. */
  violations: string[];
}

function check(tally: Tally, req: Buffer, raw: Buffer, timedOut: boolean): string | undefined {
  tally.runs++;
  if (timedOut) return `no answer and the connection still open after ${EXCHANGE_TIMEOUT_MS} ms`;
  const head = finalHead(raw);
  if (!head) {
    // Closed without a response: only acceptable when nothing at all was sent back and the
    // request could not be parsed (node drops a few of those); counted and reported.
    tally.noAnswer++;
    tally.statuses.none = (tally.statuses.none ?? 0) + 1;
    return raw.length
      ? `an unparsable answer: ${JSON.stringify(raw.subarray(0, 200).toString('latin1'))}`
      : undefined;
  }
  tally.statuses[head.status] = (tally.statuses[head.status] ?? 0) + 1;
  if (head.malformed.length) return `malformed response head: ${head.malformed.join('; ')}`;
  const bodyText = head.body.toString('latin1');
  if (head.status >= 500) {
    // The guest's 502 says why in its body; a HEAD answer has no body to say it.
    const isHead = req.subarray(0, 5).toString('latin1') === 'HEAD ';
    if (head.status === 502 && (isHead || /HTTP cannot carry|invalid/i.test(bodyText))) tally.guest502++;
    else return `${head.statusLine} for a client's request: ${bodyText.slice(0, 200)}`;
  }
  const sent = sentNames(req);
  for (const [name] of head.headers) {
    if (name === 'x-evil' || name.startsWith('x-evil')) return `injected header ${name}`;
    if (!SERVER_HEADERS.has(name) && !GUEST_HEADERS.has(name) && !sent.has(name)) {
      return `response header ${JSON.stringify(name)} was set by nobody (${head.statusLine})`;
    }
  }
  return undefined;
}

describe('hostile HTTP (fast-check, raw sockets)', () => {
  async function probe(name: string, arbitrary: fc.Arbitrary<Req>, runs: number) {
    const tally: Tally = {
      runs: 0,
      statuses: {},
      guest502: 0,
      noAnswer: 0,
      violations: [],
    };
    const rss = rssSampler(200);
    let slowest = 0;
    await fc.assert(
      fc.asyncProperty(arbitrary, async (r) => {
        const bytes = serialize(r);
        const { raw, timedOut, ms } = await rawExchange(port, bytes, { timeoutMs: EXCHANGE_TIMEOUT_MS });
        slowest = Math.max(slowest, ms);
        const violation = check(tally, bytes, raw, timedOut);
        if (violation) {
          tally.violations.push(violation);
          throw new Error(`${violation}\nrequest: ${shorten(bytes.toString('latin1'))}`);
        }
      }),
      { numRuns: runs, seed: SEED, endOnFailure: true },
    );
    expect(await healthy()).toBe(true);
    const { first, max, last } = rss.stop();
    report(name, {
      tried: tally.runs,
      held: tally.runs - tally.violations.length,
      seed: SEED,
      statuses: tally.statuses,
      guest502: tally.guest502,
      closedWithoutAnswer: tally.noAnswer,
      slowestMs: slowest,
      rssFirstMiB: Math.round(first / MiB),
      rssMaxMiB: Math.round(max / MiB),
      rssLastMiB: Math.round(last / MiB),
    });
    return tally;
  }

  it(`${RUNS} well-formed requests with hostile content: no 5xx but the guest's 502, no injected header`, async () => {
    const tally = await probe('hostile-http-wellformed', wellFormed, RUNS);
    // Most of them reach a function or a route (not refused by the parser).
    expect(tally.statuses['400'] ?? 0).toBeLessThan(tally.runs / 2);
  });

  it(`${RUNS} malformed requests (request line, headers, framing): 4xx, never 5xx, never a crash`, async () => {
    await probe('hostile-http-malformed', request, RUNS);
  });

  it('percent-encoded CR/LF that the guest echoes into a header: 502, never a second header', async () => {
    for (const enc of ['%0D%0Ax-evil:%201', '%0Ax-evil:%201', '%0D%0A%0D%0Ax-evil:%201', '%00']) {
      for (const where of [`?q=${enc}`, `/${enc}`]) {
        const req = `GET /functions/default/echoh${where} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`;
        const { raw } = await rawExchange(port, req);
        const head = parseHead(raw)!;
        expect(head.malformed).toEqual([]);
        expect(head.headers.map(([n]) => n)).not.toContain('x-evil');
        // The query is decoded for the guest (502: the guest's header cannot carry it); the path
        // reaches the guest as sent, still encoded (200, x-path holds the %-escapes).
        expect([200, 502], `${where}: ${head.body.toString()}`).toContain(head.status);
        if (head.status === 200)
          expect(head.headers).toContainEqual(['x-path', expect.stringContaining(enc)]);
      }
    }
    expect(await healthy()).toBe(true);
  });

  it('a body of invalid UTF-8 comes back byte for byte', async () => {
    const bytes = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x00, 0xf8, 0x88, 0x80, 0x80, 0x80]);
    const res = await fetch(`http://127.0.0.1:${port}/functions/default/echoh`, {
      method: 'POST',
      body: bytes,
    });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
  });

  it('oversize headers get 431, a huge body 413, and the server goes on', async () => {
    const big = `GET /functions/default/echoh HTTP/1.1\r\nhost: x\r\nx-big: ${'v'.repeat(100_000)}\r\nconnection: close\r\n\r\n`;
    expect(parseHead((await rawExchange(port, big)).raw)?.status).toBe(431);
    const many = `GET /functions/default/echoh HTTP/1.1\r\nhost: x\r\n${Array.from({ length: 3_000 }, (_, i) => `x-h${i}: ${i}\r\n`).join('')}connection: close\r\n\r\n`;
    const manyStatus = parseHead((await rawExchange(port, many)).raw)?.status ?? 0;
    expect(manyStatus).toBeGreaterThanOrEqual(200);
    expect(manyStatus).toBeLessThan(500);
    // 11 MiB, over the host's 10 MiB request limit.
    const huge = Buffer.alloc(11 * MiB, 0x61);
    const res = await fetch(`http://127.0.0.1:${port}/functions/default/echoh`, {
      method: 'POST',
      body: huge,
    }).catch((error: Error) => error);
    if (res instanceof Error) {
      // The server may answer 413 and close before the upload ends; undici then reports the reset.
      expect(String(res.cause ?? res)).toMatch(/ECONNRESET|EPIPE|other side closed|SocketError/);
    } else {
      expect(res.status).toBe(413);
      await res.arrayBuffer();
    }
    // Just under the limit: echoed in full.
    const near = Buffer.alloc(9 * MiB, 0x62);
    const ok = await fetch(`http://127.0.0.1:${port}/functions/default/echoh`, {
      method: 'POST',
      body: near,
    });
    expect(ok.status).toBe(200);
    expect((await ok.arrayBuffer()).byteLength).toBe(near.length);
    expect(await healthy()).toBe(true);
  });

  it('a slow body gets 408 and the connection is closed; the server goes on', async () => {
    const head = 'POST /functions/default/echoh HTTP/1.1\r\nhost: x\r\ncontent-length: 5000\r\n\r\n';
    const started = Date.now();
    const { raw, timedOut } = await rawExchange(port, head + 'b'.repeat(5_000), {
      timeoutMs: 10_000,
      chunks: 250,
      gapMs: 100,
    });
    expect(timedOut).toBe(false);
    expect(parseHead(raw)?.status).toBe(408);
    expect(Date.now() - started).toBeLessThan(TIMEOUTS.requestMs + 2_000);
    // A stalled one.
    const stalled = await rawExchange(port, `${head}abc`, { timeoutMs: 10_000 });
    expect(parseHead(stalled.raw)?.status).toBe(408);
    await sleep(10);
    expect(await healthy()).toBe(true);
  });
});
