// The conformance table: one set of cases per function, run unchanged against every
// implementation of that function (TypeScript built with @momento-functions/build, the official
// Rust crates, hand-written canonical-ABI Rust, C) in the reference host. docs/conformance.md
// explains the expectation kinds and the deliberate differences.

/** How an implementation was made. */
export type Implementation = 'ts' | 'rust-official' | 'rust-glue' | 'c';

/** Every implementation kind, in the order the reports list them. */
export const IMPLEMENTATIONS: readonly Implementation[] = ['ts', 'rust-official', 'rust-glue', 'c'];

/** Where an implementation comes from: a TypeScript entry to build, or a committed component. */
export type Source = { readonly entry: string } | { readonly wasm: string };

/** How the function is loaded for a case (`host.load` options). */
export interface LoadConfig {
  /** `__FUNCTION_NAME`. Default: the suite's name. */
  readonly name?: string;
  /** `__CACHE_NAME`. Default `conformance`. */
  readonly cache?: string;
  /** The function's configuration (environment variables). */
  readonly env?: Readonly<Record<string, string>>;
}

/** A request to a web function, as `fn.invoke` takes it. */
export interface WebRequest {
  readonly method?: string;
  readonly path?: string;
  readonly query?: string | readonly (readonly [string, string])[];
  readonly headers?: readonly (readonly [string, string])[];
  readonly body?: string | Uint8Array;
  readonly tokenMetadata?: string;
  readonly invocationId?: string;
}

type Headers = readonly (readonly [string, string])[];

/**
 * What a web case must answer.
 * - `exact`: the reference fixes status, headers (in order) and body; every implementation gives
 *   exactly this, so they are byte-identical to each other.
 * - `prefix`: status, headers and the body's first bytes are fixed and identical across
 *   implementations; the rest (an error detail) is worded differently by design; each
 *   implementation's detail is checked against `detail` (exact text or pattern), and `note`
 *   says why it differs.
 * - `status-only`: only the status is shared (the failure is produced by different layers by
 *   design); each implementation's headers and body are pinned in `answers`.
 */
export type WebExpectation =
  | {
      readonly kind: 'exact';
      readonly status: number;
      readonly headers: Headers;
      readonly body: string | Uint8Array;
    }
  | {
      readonly kind: 'prefix';
      readonly status: number;
      readonly headers: Headers;
      readonly bodyPrefix: string;
      readonly detail: Readonly<Partial<Record<Implementation, string | RegExp>>>;
      readonly note: string;
    }
  | {
      readonly kind: 'status-only';
      readonly status: number;
      readonly answers: Readonly<
        Partial<Record<Implementation, { readonly headers: Headers; readonly body: string | RegExp }>>
      >;
      readonly note: string;
    };

/** A cache error injected into one host cache function for the whole invocation. */
export interface CacheFailure {
  /** The jco name of the cache-scalar function that answers `err` (e.g. `delete`). */
  readonly fn: string;
  /** The WIT `error` variant it answers, in jco's shape. */
  readonly error: { readonly tag: string; readonly val?: string };
}

/** One web case. */
export interface WebCase {
  readonly name: string;
  readonly load?: LoadConfig;
  readonly request: WebRequest;
  /** Invoke this many times (each on a fresh instance); every answer must match. Default 1. */
  readonly times?: number;
  /** Send the `times` invocations all at once (they queue for the sandbox) instead of one by one. */
  readonly concurrent?: boolean;
  readonly expect: WebExpectation;
  /** cache-scalar only: an error one host function answers during this case. */
  readonly cacheFailure?: CacheFailure;
  /** cache-scalar only: the host calls in order (function names). */
  readonly trace?: readonly string[];
  /** cache-scalar only: the cache afterwards (`null`: absent), read from the backend. */
  readonly finalState?: Readonly<Record<string, string | null>>;
}

/** A spawn outcome (the WIT `spawn-success` / `spawn-failure` cases). */
export interface Outcome {
  readonly tag: 'ok' | 'ok-note' | 'failed' | 'failed-note' | 'host-error' | 'trap';
  readonly val?: string;
}

/** What a spawn case must answer: exactly `outcome`, or its tag plus a note prefix (see {@link WebExpectation}). */
export type SpawnExpectation =
  | { readonly kind: 'exact'; readonly outcome: Outcome }
  | {
      readonly kind: 'prefix';
      readonly tag: Outcome['tag'];
      readonly prefix: string;
      readonly detail: Readonly<Partial<Record<Implementation, string | RegExp>>>;
      readonly note: string;
    };

/** One spawn case. */
export interface SpawnCase {
  readonly name: string;
  readonly payload: string | Uint8Array;
  readonly expect: SpawnExpectation;
}

/** A function, its implementations and its cases. */
export type Suite = {
  /** The function's name (also its default `__FUNCTION_NAME`). */
  readonly name: string;
  /** Where the expected answers come from. */
  readonly reference: string;
  readonly implementations: Readonly<Partial<Record<Implementation, Source>>>;
  /** Host services the function needs (`cache`: a fresh memory cache per case). */
  readonly services?: 'cache';
  /** Host limits for this suite (each unset one keeps the host default). */
  readonly limits?: {
    readonly timeoutMs?: number;
    readonly requestBodyBytes?: number;
    readonly responseBodyBytes?: number;
  };
} & (
  | { readonly kind: 'web'; readonly cases: readonly WebCase[] }
  | { readonly kind: 'spawn'; readonly cases: readonly SpawnCase[] }
);

const TEXT = 'text/plain; charset=utf-8';
const JSON_CT = 'application/json; charset=utf-8';
const OCTETS = 'application/octet-stream';
const TEXT_HEADERS = [['content-type', TEXT]] as const;

const fixture = (group: string, name: string): Source => ({ wasm: `tests/fixtures/${group}/${name}.wasm` });
const example = (name: string): Source => ({ entry: `examples/${name}/index.ts` });
const ours = (name: string): Source => ({ entry: `tests/conformance/functions/${name}.ts` });

/** 70 000 bytes, every byte value: more than one 16 KiB read, on any chunking. */
export const LARGE_BODY = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256);
const BINARY = Uint8Array.from([0, 1, 2, 127, 128, 250, 255, 0]);

const GREETER_PREFIX = 'Failed to parse request body: ';
const SPAWN_PREFIX = 'Failed to extract spawn payload: ';
const SERDE_VS_ZOD =
  'serde_json wording vs the TypeScript schema library (docs/bytes.md "Differences from the Rust crate" 1): same position, different words';

/** Every function compared, with every available implementation. */
export const SUITES: readonly Suite[] = [
  {
    name: 'ping',
    kind: 'web',
    reference: 'upstream examples/web-function (smoke test)',
    implementations: {
      ts: example('ping'),
      'rust-official': fixture('rust-official', 'ping'),
      'rust-glue': fixture('rust-glue', 'ping'),
      c: fixture('c', 'ping'),
    },
    cases: [
      {
        name: 'empty POST',
        request: {},
        expect: { kind: 'exact', status: 200, headers: TEXT_HEADERS, body: 'pong' },
      },
      {
        name: 'any body, any method',
        request: { method: 'PUT', path: '/a/b', query: 'x=1', headers: [['x-a', '1']], body: '{"x":1}' },
        expect: { kind: 'exact', status: 200, headers: TEXT_HEADERS, body: 'pong' },
      },
      {
        name: 'a large body is never read',
        request: { body: LARGE_BODY },
        expect: { kind: 'exact', status: 200, headers: TEXT_HEADERS, body: 'pong' },
      },
    ],
  },
  {
    name: 'echo',
    kind: 'web',
    reference: 'upstream echo.rs; docs/fixtures.md "echo"',
    implementations: {
      ts: example('echo'),
      'rust-official': fixture('rust-official', 'echo'),
      'rust-glue': fixture('rust-glue', 'echo'),
      c: fixture('c', 'echo'),
    },
    cases: [
      {
        name: 'text',
        request: { body: 'hello, echo' },
        expect: { kind: 'exact', status: 200, headers: [['content-type', OCTETS]], body: 'hello, echo' },
      },
      {
        name: 'binary (NUL, 0xff, invalid UTF-8)',
        request: { body: BINARY },
        expect: { kind: 'exact', status: 200, headers: [['content-type', OCTETS]], body: BINARY },
      },
      {
        name: 'empty',
        request: {},
        expect: { kind: 'exact', status: 200, headers: [['content-type', OCTETS]], body: '' },
      },
      {
        name: '70 000 bytes',
        request: { body: LARGE_BODY },
        expect: { kind: 'exact', status: 200, headers: [['content-type', OCTETS]], body: LARGE_BODY },
      },
    ],
  },
  {
    name: 'echo-limits',
    kind: 'web',
    reference: 'docs/decisions.md D12 (request and response body limits); issue 4 "oversized body"',
    implementations: {
      ts: example('echo'),
      'rust-official': fixture('rust-official', 'echo'),
      'rust-glue': fixture('rust-glue', 'echo'),
      c: fixture('c', 'echo'),
    },
    limits: { requestBodyBytes: 4096, responseBodyBytes: 2048 },
    cases: [
      {
        name: 'within both limits',
        request: { body: LARGE_BODY.subarray(0, 2048) },
        expect: {
          kind: 'exact',
          status: 200,
          headers: [['content-type', OCTETS]],
          body: LARGE_BODY.subarray(0, 2048),
        },
      },
      {
        name: 'the echoed body is over the response limit',
        request: { body: LARGE_BODY.subarray(0, 3000) },
        expect: {
          kind: 'exact',
          status: 500,
          headers: TEXT_HEADERS,
          body: 'the function returned a response body of 3000 bytes, larger than the limit of 2048 bytes (limits.responseBodyBytes)',
        },
      },
      {
        name: 'the request body is over the request limit (the guest does not run)',
        request: { body: LARGE_BODY.subarray(0, 5000) },
        expect: {
          kind: 'exact',
          status: 413,
          headers: TEXT_HEADERS,
          body: 'request body of 5000 bytes is larger than the limit of 4096 bytes (limits.requestBodyBytes)',
        },
      },
    ],
  },
  {
    name: 'greeter',
    kind: 'web',
    reference: 'upstream examples/web-function-json-greeter; docs/conformance.md "greeter"',
    implementations: { ts: example('json-greeter'), 'rust-official': fixture('rust-official', 'greeter') },
    cases: [
      ...(
        [
          ['{"name":"kvc"}', '{"message":"Hello, kvc!"}'],
          ['{"name":"kvc","extra":1}', '{"message":"Hello, kvc!"}'],
          ['  {"name":"é\\"x"}  ', '{"message":"Hello, é\\"x!"}'],
        ] as const
      ).map(
        ([body, answer]): WebCase => ({
          name: body,
          request: { body },
          expect: { kind: 'exact', status: 200, headers: [['content-type', JSON_CT]], body: answer },
        }),
      ),
      ...(
        [
          ['', 'EOF while parsing a value at line 1 column 0'],
          ['{}', 'missing field `name` at line 1 column 2'],
          ['abc', 'expected value at line 1 column 1'],
          ['{"name":"a"} x', 'trailing characters at line 1 column 14'],
        ] as const
      ).map(
        ([body, detail]): WebCase => ({
          name: JSON.stringify(body),
          request: { body },
          expect: { kind: 'exact', status: 400, headers: [], body: GREETER_PREFIX + detail },
        }),
      ),
      {
        name: '{"name":1}',
        request: { body: '{"name":1}' },
        expect: {
          kind: 'prefix',
          status: 400,
          headers: [],
          bodyPrefix: GREETER_PREFIX,
          detail: {
            'rust-official': 'invalid type: integer `1`, expected a string at line 1 column 9',
            ts: 'invalid value at `name`: Invalid input: expected string, received number at line 1 column 9',
          },
          note: SERDE_VS_ZOD,
        },
      },
    ],
  },
  {
    name: 'spawn-json',
    kind: 'spawn',
    reference: 'upstream examples/spawn-function-json; docs/conformance.md "spawn-json"',
    implementations: { ts: example('spawn-json'), 'rust-official': fixture('rust-official', 'spawn-json') },
    cases: [
      { name: '{"_name":"x"}', payload: '{"_name":"x"}', expect: { kind: 'exact', outcome: { tag: 'ok' } } },
      {
        name: '{"name":"x"}',
        payload: '{"name":"x"}',
        expect: {
          kind: 'exact',
          outcome: { tag: 'failed-note', val: `${SPAWN_PREFIX}missing field \`_name\` at line 1 column 12` },
        },
      },
      {
        name: 'empty',
        payload: '',
        expect: {
          kind: 'exact',
          outcome: { tag: 'failed-note', val: `${SPAWN_PREFIX}EOF while parsing a value at line 1 column 0` },
        },
      },
      {
        name: '{"_name":7}',
        payload: '{"_name":7}',
        expect: {
          kind: 'prefix',
          tag: 'failed-note',
          prefix: SPAWN_PREFIX,
          detail: {
            'rust-official': 'invalid type: integer `7`, expected a string at line 1 column 10',
            ts: 'invalid value at `_name`: Invalid input: expected string, received number at line 1 column 10',
          },
          note: SERDE_VS_ZOD,
        },
      },
    ],
  },
  {
    name: 'spawn-note',
    kind: 'spawn',
    reference: 'docs/fixtures.md "spawn-note" (ok-note / failed-note)',
    implementations: { ts: ours('spawn-note'), c: fixture('c', 'spawn-note') },
    cases: [
      {
        name: 'hello',
        payload: 'hello',
        expect: { kind: 'exact', outcome: { tag: 'ok-note', val: 'spawned with 5 bytes' } },
      },
      {
        name: '70 000 bytes',
        payload: LARGE_BODY,
        expect: { kind: 'exact', outcome: { tag: 'ok-note', val: 'spawned with 70000 bytes' } },
      },
      {
        name: 'empty',
        payload: '',
        expect: { kind: 'exact', outcome: { tag: 'failed-note', val: 'empty payload' } },
      },
    ],
  },
  {
    name: 'env-report',
    kind: 'web',
    reference:
      'upstream examples/function-environment, guest-web WebEnvironment; docs/fixtures.md "env-report"',
    implementations: {
      ts: ours('env-report'),
      'rust-official': fixture('rust-official', 'env-report'),
      'rust-glue': fixture('rust-glue', 'env-report'),
      c: fixture('c', 'env-report'),
    },
    cases: [
      {
        name: 'everything set (docs/fixtures.md)',
        load: { cache: 'cache1', env: { GREETING: 'hello', A: '1' } },
        request: {
          method: 'GET',
          path: 'foo/bar',
          query: [
            ['b', '2'],
            ['a', '1'],
            ['a', '3'],
          ],
          headers: [
            ['x-b', '2'],
            ['accept', 'text/plain'],
          ],
          tokenMetadata: 'tok',
          invocationId: 'inv-1',
          body: 'hello',
        },
        expect: {
          kind: 'exact',
          status: 200,
          headers: TEXT_HEADERS,
          body:
            'Cache: cache1,\nFunction: env-report,\nInvocation ID: inv-1,\nQuery parameters: a=3, b=2,\n' +
            'HTTP method: GET\nHTTP path: foo/bar\nHeaders: accept=text/plain, x-b=2\nToken metadata: tok\n' +
            'Environment: A=1, GREETING=hello\nBody length: 5\n',
        },
      },
      {
        name: 'nothing set',
        load: { cache: 'c0' },
        request: { invocationId: 'inv-0' },
        expect: {
          kind: 'exact',
          status: 200,
          headers: TEXT_HEADERS,
          body:
            'Cache: c0,\nFunction: env-report,\nInvocation ID: inv-0,\nQuery parameters: ,\nHTTP method: POST\n' +
            'HTTP path: \nHeaders: \nToken metadata: <none>\nEnvironment: \nBody length: 0\n',
        },
      },
      {
        name: 'mixed-case and repeated headers, encoded query, leading slash, DELETE',
        load: {
          name: 'report',
          cache: 'c2',
          env: { Z: 'last', a: 'lower', B: 'x=y, z', __SECRET: 'dropped' },
        },
        request: {
          method: 'DELETE',
          path: '/v1/items/42',
          query: 'q=a%20b&empty=&caf%C3%A9=%E2%9C%93&q=c',
          headers: [
            ['X-Request-Id', 'r1'],
            ['x-request-id', 'r2'],
            ['Content-Type', 'application/json'],
            ['X-Empty', ''],
          ],
          invocationId: 'inv-2',
          body: '{"a":1}',
        },
        expect: {
          kind: 'exact',
          status: 200,
          headers: TEXT_HEADERS,
          body:
            'Cache: c2,\nFunction: report,\nInvocation ID: inv-2,\nQuery parameters: café=✓, empty=, q=c,\n' +
            'HTTP method: DELETE\nHTTP path: v1/items/42\n' +
            'Headers: content-type=application/json, x-empty=, x-request-id=r2\nToken metadata: <none>\n' +
            'Environment: B=x=y, z, Z=last, a=lower\nBody length: 7\n',
        },
      },
      {
        name: 'a 70 000-byte body is read whole',
        load: { cache: 'c3' },
        request: { method: 'PATCH', path: 'x', invocationId: 'inv-3', tokenMetadata: '', body: LARGE_BODY },
        expect: {
          kind: 'exact',
          status: 200,
          headers: TEXT_HEADERS,
          body:
            'Cache: c3,\nFunction: env-report,\nInvocation ID: inv-3,\nQuery parameters: ,\nHTTP method: PATCH\n' +
            'HTTP path: x\nHeaders: \nToken metadata: \nEnvironment: \nBody length: 70000\n',
        },
      },
    ],
  },
  {
    name: 'cache-scalar',
    kind: 'web',
    reference: 'upstream examples/cache-scalar; docs/fixtures.md "cache-scalar"',
    implementations: {
      ts: example('cache-scalar'),
      'rust-official': fixture('rust-official', 'cache-scalar'),
    },
    services: 'cache',
    cases: [
      {
        name: 'a fresh cache',
        load: { cache: 'demo' },
        request: { body: 'ignored' },
        expect: { kind: 'exact', status: 200, headers: TEXT_HEADERS, body: 'Cache scalar demo completed!' },
        trace: ['set', 'get', 'set', 'set', 'delete', 'get', 'setIf', 'setIf', 'setIf', 'get'],
        finalState: { greeting: 'Hello, World!', counter: '1', 'temp-data': null, 'new-key': 'first-value' },
      },
      {
        name: 'delete answers permission-denied',
        load: { cache: 'demo' },
        request: {},
        cacheFailure: { fn: 'delete', error: { tag: 'permission-denied', val: 'msg' } },
        expect: {
          kind: 'exact',
          status: 500,
          headers: [],
          body: 'An error occurred during function invocation: CacheError(Error::PermissionDenied("msg"))',
        },
        trace: ['set', 'get', 'set', 'set', 'delete'],
        finalState: { greeting: 'Hello, World!', counter: '0', 'temp-data': 'temporary', 'new-key': null },
      },
      {
        name: 'the first set answers internal-error',
        load: { cache: 'demo' },
        request: {},
        cacheFailure: { fn: 'set', error: { tag: 'internal-error' } },
        expect: {
          kind: 'exact',
          status: 500,
          headers: [],
          body: 'An error occurred during function invocation: CacheError(Error::InternalError)',
        },
        trace: ['set'],
        finalState: { greeting: null, counter: null, 'temp-data': null, 'new-key': null },
      },
    ],
  },
  {
    name: 'counter',
    kind: 'web',
    reference: 'a fresh instance per invocation: docs/decisions.md D9',
    implementations: { ts: ours('counter'), 'rust-official': fixture('rust-official', 'counter') },
    cases: [
      {
        name: 'five invocations each see a never-used instance',
        request: {},
        times: 5,
        expect: { kind: 'exact', status: 200, headers: TEXT_HEADERS, body: '1' },
      },
      {
        name: 'four invocations sent at once (queued) each see a never-used instance',
        request: {},
        times: 4,
        concurrent: true,
        expect: { kind: 'exact', status: 200, headers: TEXT_HEADERS, body: '1' },
      },
    ],
  },
  {
    name: 'panic',
    kind: 'web',
    reference: 'docs/decisions.md D10 (traps); guest-web WebError',
    implementations: { ts: ours('panic'), 'rust-official': fixture('rust-official', 'panic') },
    cases: [
      {
        name: 'the handler fails',
        request: { body: 'x' },
        expect: {
          kind: 'status-only',
          status: 500,
          answers: {
            'rust-official': {
              headers: TEXT_HEADERS,
              body: /^the function trapped: .*fixture panic: this function always panics/s,
            },
            ts: {
              headers: [],
              body: 'An error occurred during function invocation: Error("fixture panic: this function always panics")',
            },
          },
          note:
            'A Rust panic aborts (panic = "abort"): the host answers its trap response. A thrown TypeScript error ' +
            'is caught by guest-web and answered as the crate answers an error: 500, no headers, Debug-like text. ' +
            'guest-web never lets a thrown error become a trap (issue 3).',
        },
      },
    ],
  },
  {
    name: 'spin',
    kind: 'web',
    reference: 'docs/decisions.md D12 (wall-clock limit)',
    implementations: { ts: ours('spin'), 'rust-official': fixture('rust-official', 'spin') },
    limits: { timeoutMs: 1_000 },
    cases: [
      {
        name: 'a runaway loop is stopped at the time limit',
        request: {},
        expect: {
          kind: 'exact',
          status: 504,
          headers: TEXT_HEADERS,
          body: 'the function ran longer than its time limit of 1000 ms and was stopped (limits.timeoutMs)',
        },
      },
    ],
  },
];
