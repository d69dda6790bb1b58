// Cross-language conformance: every case of tests/conformance/cases.ts runs against every
// implementation of its function (TypeScript built with @momento-functions/build, the official
// Rust crates, hand-glued Rust, C), all loaded into one real reference host per function
// (@momento-functions/runtime's createHost), and each answer is checked against the case and
// against the other implementations. docs/conformance.md describes what is compared.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from '@momento-functions/build';
import {
  checkImports,
  createHost,
  type FunctionHandle,
  type Host,
  type HostLogEntry,
  type HostService,
  type InvokeRequest,
  type SpawnOutcome,
} from '@momento-functions/runtime';
import { createCacheServices, MemoryCacheBackend } from '@momento-functions/runtime/services/cache';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CacheFailure,
  IMPLEMENTATIONS,
  type Implementation,
  type LoadConfig,
  type Outcome,
  type Source,
  type SpawnCase,
  SUITES,
  type Suite,
  type WebCase,
} from './cases.js';

const ROOT = resolve(import.meta.dirname, '../..');

// The TypeScript functions import the guest packages by name, which resolves to their dist/.
const unbuilt = ['bytes', 'guest-web', 'guest-spawn', 'cache'].filter(
  (p) => !existsSync(join(ROOT, 'packages', p, 'dist', 'index.js')),
);
if (unbuilt.length > 0) {
  throw new Error(
    `The conformance tests build TypeScript functions against ${unbuilt.map((p) => `@momento-functions/${p}`).join(', ')}, which are not built: run \`npm run build\` first.`,
  );
}
const OUT = join(import.meta.dirname, 'dist');
const enc = new TextEncoder();
const dec = new TextDecoder();

/** One web answer, with headers as plain tuples. */
interface Answer {
  readonly status: number;
  readonly headers: [string, string][];
  readonly body: Uint8Array;
}

/** What a case produced for one implementation: its answers, or the error that stopped it. */
type Produced<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

interface CacheRun {
  readonly trace: string[];
  readonly finalState: Record<string, string | null>;
}

const bytesOf = (body: string | Uint8Array): Uint8Array =>
  typeof body === 'string' ? enc.encode(body) : body;
const show = (a: Answer) => ({ status: a.status, headers: a.headers, body: dec.decode(a.body) });
const implementationsOf = (suite: Suite) => IMPLEMENTATIONS.filter((i) => suite.implementations[i]);
/** What the others are compared with: the official-crate Rust build when there is one (the reference's own toolchain). */
const referenceOf = (impls: readonly Implementation[]): Implementation =>
  impls.includes('rust-official') ? 'rust-official' : impls.find((i) => i !== 'ts')!;

/** Builds a TS implementation once (content-hash cached by the build) or points at a fixture. */
const built = new Map<string, Promise<string>>();
function componentPath(suite: Suite, impl: Implementation, source: Source): Promise<string> {
  if ('wasm' in source) return Promise.resolve(join(ROOT, source.wasm));
  let path = built.get(source.entry);
  if (!path) {
    mkdirSync(OUT, { recursive: true });
    path = build({ entry: join(ROOT, source.entry), outFile: join(OUT, `${suite.name}-${impl}.wasm`) }).then(
      (r) => r.wasmPath,
    );
    built.set(source.entry, path);
  }
  return path;
}

/** Wraps host services so every call is recorded by name and one function can be made to fail. */
function instrument(
  services: HostService[],
  trace: string[],
  failure: { current?: CacheFailure },
): HostService[] {
  return services.map((service) => ({
    ...service,
    functions: Object.fromEntries(
      Object.entries(service.functions).map(([name, fn]) => [
        name,
        ((ctx, ...args) => {
          trace.push(name);
          if (failure.current?.fn === name) return { tag: 'err', val: failure.current.error };
          return fn(ctx, ...args);
        }) as HostService['functions'][string],
      ]),
    ),
  }));
}

function toRequest(c: WebCase): InvokeRequest {
  const r = c.request;
  return {
    ...(r.method !== undefined ? { method: r.method } : {}),
    ...(r.path !== undefined ? { path: r.path } : {}),
    ...(r.query !== undefined ? { query: typeof r.query === 'string' ? r.query : [...r.query] } : {}),
    ...(r.headers !== undefined ? { headers: [...r.headers] } : {}),
    ...(r.body !== undefined ? { body: r.body } : {}),
    ...(r.tokenMetadata !== undefined ? { tokenMetadata: r.tokenMetadata } : {}),
    ...(r.invocationId !== undefined ? { invocationId: r.invocationId } : {}),
  };
}

function matches(actual: string, expected: string | RegExp): boolean {
  return typeof expected === 'string' ? actual === expected : expected.test(actual);
}

describe.each(SUITES.map((s) => [s.name, s] as const))('%s', (_, suite) => {
  const impls = implementationsOf(suite);
  const handles = new Map<Implementation, FunctionHandle>();
  const imports = new Map<Implementation, readonly string[]>();
  const web = new Map<string, Map<Implementation, Produced<Answer[]>>>();
  const spawned = new Map<string, Map<Implementation, Produced<Outcome>>>();
  const cacheRuns = new Map<string, Map<Implementation, CacheRun>>();
  const logs: HostLogEntry[] = [];
  let host: Host;
  let backend: MemoryCacheBackend | undefined;
  const trace: string[] = [];
  const failure: { current?: CacheFailure } = {};
  let serviceInterfaces: string[] = [];

  beforeAll(async () => {
    // Build the TypeScript implementation first (one componentize at most, cached by content hash).
    const paths = new Map<Implementation, string>();
    for (const impl of impls) paths.set(impl, await componentPath(suite, impl, suite.implementations[impl]!));

    let services: HostService[] = [];
    if (suite.services === 'cache') {
      backend = new MemoryCacheBackend();
      services = instrument(createCacheServices({ backend }), trace, failure);
    }
    serviceInterfaces = services.map((s) => s.interface);
    host = await createHost({
      services,
      spares: 1,
      limits: { concurrency: 1, ...suite.limits },
      logger: (entry) => logs.push(entry),
    });

    // One implementation at a time, one load per distinct LoadConfig: a load under the same
    // cache/name replaces the previous one, so every implementation runs with the same
    // __CACHE_NAME / __FUNCTION_NAME.
    for (const impl of impls) {
      const loaded = new Map<string, FunctionHandle>();
      const loadFor = async (config: LoadConfig | undefined): Promise<FunctionHandle> => {
        const key = JSON.stringify(config ?? {});
        let fn = loaded.get(key);
        if (!fn) {
          loaded.clear();
          fn = await host.load(paths.get(impl)!, {
            name: config?.name ?? suite.name,
            cache: config?.cache ?? 'conformance',
            ...(config?.env ? { env: config.env } : {}),
          });
          loaded.set(key, fn);
          handles.set(impl, fn);
          imports.set(impl, fn.imports);
        }
        return fn;
      };

      if (suite.kind === 'web') {
        for (const c of suite.cases) {
          let produced: Produced<Answer[]>;
          try {
            const fn = await loadFor(c.load);
            await backend?.flush();
            trace.length = 0;
            failure.current = c.cacheFailure;
            const answers: Answer[] = [];
            const once = async (): Promise<Answer> => {
              const res = await fn.invoke(toRequest(c));
              return { status: res.status, headers: res.headers.map(([n, v]) => [n, v]), body: res.body };
            };
            const times = c.times ?? 1;
            if (c.concurrent) answers.push(...(await Promise.all(Array.from({ length: times }, once))));
            else for (let i = 0; i < times; i++) answers.push(await once());
            produced = { ok: true, value: answers };
            if (backend) {
              const finalState: Record<string, string | null> = {};
              for (const key of Object.keys(c.finalState ?? {})) {
                const value = await backend.get(c.load?.cache ?? 'conformance', enc.encode(key));
                finalState[key] = value === undefined ? null : dec.decode(value);
              }
              const runs = cacheRuns.get(c.name) ?? new Map<Implementation, CacheRun>();
              runs.set(impl, { trace: [...trace], finalState });
              cacheRuns.set(c.name, runs);
            }
          } catch (error) {
            produced = { ok: false, error: String((error as Error).stack ?? error) };
          } finally {
            failure.current = undefined;
          }
          const byImpl = web.get(c.name) ?? new Map<Implementation, Produced<Answer[]>>();
          byImpl.set(impl, produced);
          web.set(c.name, byImpl);
        }
      } else {
        for (const c of suite.cases) {
          let produced: Produced<Outcome>;
          try {
            const fn = await loadFor(undefined);
            const outcome: SpawnOutcome = await fn.spawn(c.payload);
            produced = { ok: true, value: outcome };
          } catch (error) {
            produced = { ok: false, error: String((error as Error).stack ?? error) };
          }
          const byImpl = spawned.get(c.name) ?? new Map<Implementation, Produced<Outcome>>();
          byImpl.set(impl, produced);
          spawned.set(c.name, byImpl);
        }
      }
    }
  });

  afterAll(async () => {
    await host?.close();
    await backend?.close();
  });

  it('loads every implementation; each import is served (or linked-and-trapping) by the host', () => {
    expect([...imports.keys()]).toEqual(impls);
    for (const [impl, list] of imports) {
      const { problems, resolved } = checkImports(list, serviceInterfaces);
      expect(problems, `${suite.name} (${impl})`).toEqual([]);
      expect(resolved.length).toBe(list.length);
      expect(handles.get(impl)!.kind).toBe(suite.kind);
    }
  });

  it('every implementation imports the same Momento interfaces (exactly what the code uses)', () => {
    const momento = new Map(
      [...imports].map(
        ([impl, list]) => [impl, list.filter((n) => n.startsWith('momento:')).sort()] as const,
      ),
    );
    const expected = momento.get(referenceOf(impls))!;
    for (const [impl, list] of momento) {
      expect(list, `${suite.name}: ${impl} vs ${referenceOf(impls)}`).toEqual(expected);
    }
  });

  if (suite.kind === 'web') {
    it.each(suite.cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
      const byImpl = web.get(c.name)!;
      const answers = new Map<Implementation, Answer[]>();
      for (const impl of impls) {
        const produced = byImpl.get(impl)!;
        if (!produced.ok) expect.fail(`${suite.name} (${impl}) ${c.name}: ${produced.error}`);
        expect(produced.value).toHaveLength(c.times ?? 1);
        answers.set(impl, produced.value);
      }
      const e = c.expect;
      for (const [impl, list] of answers) {
        for (const a of list) {
          const label = `${suite.name} (${impl}) ${c.name}: ${JSON.stringify(show(a))}`;
          expect(a.status, label).toBe(e.status);
          if (e.kind === 'exact') {
            expect(a.headers, label).toEqual(e.headers);
            expect(Buffer.from(a.body).equals(Buffer.from(bytesOf(e.body))), label).toBe(true);
          } else if (e.kind === 'prefix') {
            expect(a.headers, label).toEqual(e.headers);
            const body = dec.decode(a.body);
            expect(body.startsWith(e.bodyPrefix), label).toBe(true);
            const wanted = e.detail[impl];
            expect(wanted, `${label}: no expected detail for ${impl}`).toBeDefined();
            expect(matches(body.slice(e.bodyPrefix.length), wanted!), label).toBe(true);
          } else {
            const wanted = e.answers[impl];
            expect(wanted, `${label}: no expected answer for ${impl}`).toBeDefined();
            expect(a.headers, label).toEqual(wanted!.headers);
            expect(matches(dec.decode(a.body), wanted!.body), label).toBe(true);
          }
        }
      }
      // Where the contract fixes the answer, the implementations agree byte for byte.
      if (e.kind !== 'status-only') {
        const reference = referenceOf(impls);
        const base = answers.get(reference)![0]!;
        for (const impl of impls.filter((i) => i !== reference)) {
          const other = answers.get(impl)![0]!;
          expect([other.status, other.headers], `${impl} vs ${reference}`).toEqual([
            base.status,
            base.headers,
          ]);
          if (e.kind === 'exact') expect(Buffer.from(other.body).equals(Buffer.from(base.body))).toBe(true);
        }
      }
      if (c.trace || c.finalState) {
        for (const impl of impls) {
          const run = cacheRuns.get(c.name)!.get(impl)!;
          if (c.trace) expect(run.trace, `${impl} host calls`).toEqual(c.trace);
          if (c.finalState) expect(run.finalState, `${impl} final cache`).toEqual(c.finalState);
        }
      }
    });
  } else {
    it.each(suite.cases.map((c) => [c.name, c] as const))('%s', (_, c: SpawnCase) => {
      const byImpl = spawned.get(c.name)!;
      const outcomes = new Map<Implementation, Outcome>();
      for (const impl of impls) {
        const produced = byImpl.get(impl)!;
        if (!produced.ok) expect.fail(`${suite.name} (${impl}) ${c.name}: ${produced.error}`);
        outcomes.set(impl, produced.value);
      }
      const e = c.expect;
      for (const [impl, outcome] of outcomes) {
        const label = `${suite.name} (${impl}) ${c.name}: ${JSON.stringify(outcome)}`;
        if (e.kind === 'exact') {
          expect(outcome, label).toEqual(e.outcome);
        } else {
          expect(outcome.tag, label).toBe(e.tag);
          expect(outcome.val?.startsWith(e.prefix), label).toBe(true);
          const wanted = e.detail[impl];
          expect(wanted, `${label}: no expected detail for ${impl}`).toBeDefined();
          expect(matches(outcome.val!.slice(e.prefix.length), wanted!), label).toBe(true);
        }
      }
    });
  }

  if (suite.name === 'spin') {
    it('the host carries on after stopping a runaway guest, with a log line per timeout', async () => {
      const stopped = logs.filter((l) => l.level !== 'info' && /time limit/.test(l.message));
      expect(stopped.length).toBeGreaterThanOrEqual(impls.length);
      const counter = SUITES.find((s) => s.name === 'counter')!;
      const fn = await host.load(
        await componentPath(counter, 'rust-official', counter.implementations['rust-official']!),
        {
          name: 'after-spin',
        },
      );
      const res = await fn.invoke({});
      expect([res.status, dec.decode(res.body)]).toEqual([200, '1']);
    });
  }
});
