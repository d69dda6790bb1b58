import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BuildError, type BuildResult, build, runBuildCommand } from '../src/index.js';
import { enc, instantiate, invokeWeb } from './harness.js';

const fixtures = resolve(import.meta.dirname, 'fixtures');
const out = resolve(import.meta.dirname, '../../../node_modules/.cache/momento-functions/test-out/build');

const ENGINE_WASI = [
  'wasi:cli/stderr@0.2.12',
  'wasi:io/error@0.2.12',
  'wasi:io/poll@0.2.12',
  'wasi:io/streams@0.2.12',
];

describe('build of a web function (raw export shape)', () => {
  let result: BuildResult;
  beforeAll(async () => {
    result = await build({
      entry: join(fixtures, 'web-basic.ts'),
      outFile: join(out, 'web-basic.wasm'),
      kind: 'web',
    });
  });

  it('writes the component, its source map and a report', () => {
    expect(existsSync(result.wasmPath)).toBe(true);
    expect(result.report.sizeBytes).toBeGreaterThan(1_000_000);
    const map = JSON.parse(readFileSync(result.sourceMapPath, 'utf8')) as { sources: string[]; file: string };
    expect(map.file).toBe('function.js');
    expect(map.sources.some((s) => s.endsWith('web-basic.ts'))).toBe(true);
    expect(result.report.kind).toBe('web');
    expect(result.report.timings.totalMs).toBeGreaterThanOrEqual(result.report.timings.bundleMs);
  });

  it('imports exactly what the code uses (bytes, log for console, environment) plus the engine WASI', () => {
    // web-function-support comes with the web export: its response record uses that interface's `header` type.
    expect([...result.report.momentoImports].sort()).toEqual([
      'momento:bytes/bytes@1.0.0',
      'momento:log/logging@1.0.0',
      'momento:web-function/web-function-support@1.0.0',
    ]);
    expect([...result.report.wasiImports].sort()).toEqual(
      [
        'wasi:cli/environment@0.2.12',
        'wasi:clocks/monotonic-clock@0.2.12',
        'wasi:clocks/wall-clock@0.2.12',
        'wasi:random/random@0.2.12',
        ...ENGINE_WASI,
      ].sort(),
    );
    expect([...result.report.engineWasiImports].sort()).toEqual(ENGINE_WASI);
    expect(result.report.exports).toEqual(['momento:web-function/guest-function-web@1.0.0']);
    expect(result.report.warnings.join('\n')).toMatch(/wasi:io\/poll/);
  });

  it('draws Math.random / crypto.getRandomValues from wasi:random: different in every fresh instance', async () => {
    expect(result.report.randomness).toEqual(['Math.random', 'crypto.getRandomValues']);
    expect(result.report.warnings.join('\n')).not.toMatch(/random/i);
    const a = await invokeWeb(result.wasmPath, 'random', { asValue: true });
    const b = await invokeWeb(result.wasmPath, 'random', { asValue: true });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    const [ra, rb] = [a.text, b.text].map((t) => JSON.parse(t) as { r: number; c: number[] });
    expect(ra!.r).not.toBe(rb!.r);
    expect(ra!.c).not.toEqual(rb!.c);
    // With `random` disabled the PRNG state was in the snapshot: this was every instance's first value.
    expect([ra!.r, rb!.r]).not.toContain(0.48401551228016615);
  });

  it('passes a host buffer straight back (zero-copy)', async () => {
    const r = await invokeWeb(result.wasmPath, 'a body');
    expect(r.body.tag).toBe('buffer');
    expect(r.body.val).toBe(r.request.val);
  });

  it('forwards console.* to momento:log with levels', async () => {
    const r = await invokeWeb(result.wasmPath, 'console', { asValue: true });
    expect(r.text).toBe('logged');
    expect(r.state.logs.map(([level]) => level)).toEqual(['info', 'info', 'warn', 'error', 'debug']);
    expect(r.state.logs[0]![1]).toBe('hello world {"a":1,"big":"2n"}');
    expect(r.state.logs[1]![1]).toBe('info line');
    expect(r.state.logs[3]![1]).toMatch(/^Error: bad thing/);
    expect(r.state.logs[4]![1]).toBe('details [1,2]');
  });

  it('reads the configuration through wasi:cli/environment and has a live clock', async () => {
    const r = await invokeWeb(result.wasmPath, 'env', { asValue: true, env: [['GREETING', 'hi']] });
    expect(JSON.parse(r.text)).toEqual([['GREETING', 'hi']]);
    const t = await invokeWeb(result.wasmPath, 'time', { asValue: true });
    expect(Math.abs(Number(t.text) - Date.now())).toBeLessThan(5_000);
  });

  it('skips componentize when nothing changed (content-hash cache)', async () => {
    const again = await build({
      entry: join(fixtures, 'web-basic.ts'),
      outFile: join(out, 'web-basic-2.wasm'),
      kind: 'web',
    });
    expect(again.report.cached).toBe(true);
    expect(again.report.hash).toBe(result.report.hash);
    expect(again.report.timings.componentizeMs).toBe(0);
    expect(readFileSync(again.wasmPath).equals(readFileSync(result.wasmPath))).toBe(true);
  });

  it('builds through the CLI command and prints the report as JSON', async () => {
    let stdout = '';
    const code = await runBuildCommand(
      [join(fixtures, 'web-basic.ts'), '--kind', 'web', '-o', join(out, 'web-basic-cli.wasm'), '--json'],
      { stdout: (t) => (stdout += t), stderr: () => {} },
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { cached: boolean; wasmPath: string; exports: string[] };
    expect(report.cached).toBe(true);
    expect(report.wasmPath).toBe(join(out, 'web-basic-cli.wasm'));
    expect(readFileSync(report.wasmPath).equals(readFileSync(result.wasmPath))).toBe(true);
  });

  it('reports progress through onProgress', async () => {
    const phases: string[] = [];
    await build({
      entry: join(fixtures, 'web-basic.ts'),
      outFile: join(out, 'web-basic-3.wasm'),
      kind: 'web',
      onProgress: (p) => phases.push(p.phase),
    });
    expect(phases[0]).toBe('bundle');
    expect(phases.at(-1)).toBe('done');
  });
});

describe('build guards', () => {
  it('fails a host call at module top level with "move it into the handler"', async () => {
    const p = build({
      entry: join(fixtures, 'top-level-call.ts'),
      outFile: join(out, 'x.wasm'),
      kind: 'web',
    });
    await expect(p).rejects.toBeInstanceOf(BuildError);
    await expect(p).rejects.toThrow(
      /host function 'momento:web-function\/web-function-support@1\.0\.0#invocation-id' is called at module top level.*Move this call into the handler/s,
    );
  });

  it('fails Math.random at module top level (it would be baked into the snapshot) with an explanation', async () => {
    // With `random` enabled too: wizer links no wasi:random, so a top-level draw can never end up
    // in the snapshot (measured the same for crypto.randomUUID and crypto.getRandomValues).
    const error = await build({
      entry: join(fixtures, 'top-level-random.ts'),
      outFile: join(out, 'x.wasm'),
      kind: 'web',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    const message = (error as BuildError).message;
    expect(message).toMatch(
      /Math\.random\(\).*called at module top level \(wasi:random\/random 'get-random-u64'\).*same in every invocation.*Move the call into the handler/s,
    );
    expect(message).not.toMatch(/docs\//);
  });

  it('fails a top-level exception with its message and the TypeScript position', async () => {
    await expect(
      build({ entry: join(fixtures, 'top-level-throw.ts'), outFile: join(out, 'x.wasm'), kind: 'web' }),
    ).rejects.toThrow(
      /top-level code threw .*function\.js:\d+:\d+ \(test\/fixtures\/top-level-throw\.ts:3:9\) Error: config is missing/s,
    );
  });

  it('fails when the default export is not the declared kind', async () => {
    await expect(
      build({ entry: join(fixtures, 'wrong-kind.ts'), outFile: join(out, 'x.wasm'), kind: 'web' }),
    ).rejects.toThrow(
      /default export of .*wrong-kind\.ts is not a web function\. Write `export default web\(\.\.\.\)`/,
    );
  });

  it('fails without a default export, and when the kind cannot be told', async () => {
    await expect(
      build({ entry: join(fixtures, 'no-default.ts'), outFile: join(out, 'x.wasm') }),
    ).rejects.toThrow(/has no default export/);
    await expect(
      build({ entry: join(fixtures, 'wrong-kind.ts'), outFile: join(out, 'x.wasm') }),
    ).rejects.toThrow(/Cannot tell whether .* is a web or a spawn function/);
  });

  it('fails on a missing entry and on unknown host imports', async () => {
    await expect(build({ entry: join(fixtures, 'nope.ts') })).rejects.toThrow(/does not exist/);
  });
});

describe('harness sanity', () => {
  it('instantiates fresh instances', async () => {
    const { instance } = await instantiate(join(out, 'web-basic.wasm'));
    const r = instance.guestFunctionWeb!.invoke({ tag: 'value', val: enc.encode('x') });
    expect(r.status).toBe(200);
  });
});
