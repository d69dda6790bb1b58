// What StarlingMonkey (componentize-js 0.23's engine) lacks, measured inside a built component and
// invoked in the reference host; the build's notes about it (one component build for both); and the
// CLI's progress lines and once-per-project engine-WASI note (cache hits of the same component).
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createHost } from '@momento-functions/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { MISSING_GLOBALS } from '../src/engine.js';
import { type BuildResult, build, runBuildCommand } from '../src/index.js';

const fixtures = resolve(import.meta.dirname, 'fixtures');
const entry = join(fixtures, 'engine-globals.ts');
const out = resolve(import.meta.dirname, '../../../node_modules/.cache/momento-functions/test-out/engine');

interface Answer {
  types: Record<string, string>;
  calls: Record<string, string>;
}

describe('what the engine lacks', () => {
  let result: BuildResult;
  let answer: Answer;
  beforeAll(async () => {
    result = await build({ entry, outFile: join(out, 'engine-globals.wasm') });
    const host = await createHost({ logger: () => {} });
    try {
      const fn = await host.load(result.wasmPath, { name: 'engine-globals' });
      const res = await fn.invoke({ body: '' });
      expect(res.status, res.text()).toBe(200);
      answer = JSON.parse(res.text()) as Answer;
    } finally {
      await host.close();
    }
    console.info(JSON.stringify(answer, null, 2));
  });

  it('every global the build warns about is undefined inside a component', () => {
    for (const name of Object.keys(MISSING_GLOBALS)) expect(answer.types[name], name).toBe('undefined');
    for (const name of ['require', 'module', 'WebAssembly', 'Worker'])
      expect(answer.types[name], name).toBe('undefined');
  });

  it('the web globals a Function relies on exist', () => {
    for (const name of [
      'TextEncoder',
      'TextDecoder',
      'URL',
      'URLSearchParams',
      'structuredClone',
      'atob',
      'btoa',
      'crypto',
      'performance',
      'queueMicrotask',
      'setTimeout',
      'AbortController',
      'Headers',
      'Blob',
      'WeakRef',
    ]) {
      expect(answer.types[name], name).not.toBe('undefined');
    }
  });

  it('locale-dependent calls exist but ignore locales; Intl, normalize and \\p{...} fail', () => {
    expect(answer.calls["(1234.5).toLocaleString('de-DE')"]).toBe('ok: 1234.5');
    expect(answer.calls["'a'.localeCompare('B', 'de', { sensitivity: 'base' })"]).toBe('ok: 31');
    expect(answer.calls["new Intl.NumberFormat('en-US').format(1234.5)"]).toBe(
      'throws: ReferenceError: Intl is not defined',
    );
    expect(answer.calls["'é'.normalize('NFD').length"]).toMatch(
      /^throws: TypeError: .*normalize is not a function/,
    );
    expect(answer.calls["new RegExp('\\p{L}', 'u').test('é')"]).toMatch(/^throws: SyntaxError/);
    expect(answer.calls["Buffer.from('hi').length"]).toBe('throws: ReferenceError: Buffer is not defined');
  });

  it('notes each use with its position in the TypeScript source and the alternative', () => {
    const gaps = result.report.engineGaps.map((g) => `${g.name}@${g.line}`);
    const line = (needle: string) =>
      result.report.engineGaps.find((g) => g.name === needle)?.source.endsWith('fixtures/engine-globals.ts');
    expect(line('Intl')).toBe(true);
    // Three Intl constructors, one SharedArrayBuffer, one Buffer; the guarded process is trusted.
    expect(result.report.engineGaps.filter((g) => g.name === 'Intl')).toHaveLength(3);
    expect(gaps.filter((g) => g.startsWith('SharedArrayBuffer@'))).toHaveLength(1);
    expect(gaps.filter((g) => g.startsWith('Buffer@'))).toHaveLength(1);
    expect(gaps.some((g) => g.startsWith('process@'))).toBe(false);
    const names = new Set(result.report.engineGaps.map((g) => g.name));
    expect(names).toContain('toLocale*String(locales, options)');
    expect(names).toContain('localeCompare(other, locales, options)');
    expect(names).toContain('String.prototype.normalize()');
    expect(names).toContain('a Unicode property escape (\\p{...})');
    const notes = result.report.warnings.join('\n');
    expect(notes).toMatch(
      /fixtures\/engine-globals\.ts:\d+:\d+: Intl is not defined inside a Function: .*toFixed/,
    );
    expect(notes).toMatch(
      /fixtures\/engine-globals\.ts:\d+:\d+: fetch does not work inside a Function: .*@momento-functions\/http/,
    );
    expect(notes).toMatch(
      /fixtures\/engine-globals\.ts:\d+:\d+: Buffer is not defined inside a Function: .*Uint8Array/,
    );
  });

  it('the CLI prints one line per stage without a TTY, and the engine-WASI note once per project', async () => {
    const marker = join(result.report.cacheDir, 'engine-wasi-note-shown');
    rmSync(marker, { force: true });
    const run = async (...extra: string[]) => {
      let stdout = '';
      let stderr = '';
      const code = await runBuildCommand([entry, '-o', join(out, 'engine-globals-cli.wasm'), ...extra], {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
      });
      return { code, stdout, stderr };
    };
    const first = await run();
    expect(first.code).toBe(0);
    expect(first.stderr.split('\n')).toEqual([
      expect.stringMatching(/^bundling .*engine-globals\.ts$/),
      expect.stringMatching(/^type-checking .*engine-globals\.ts$/),
      expect.stringMatching(/^done in \d+\.\d s$/),
      '',
    ]);
    expect(first.stdout).toMatch(/cached/);
    expect(first.stdout).toMatch(/type-checked: 1 file in \d+ ms/);
    expect(first.stdout).toMatch(/note: .*engine-globals\.ts:\d+:\d+: Intl is not defined/);
    expect(first.stdout).toMatch(/note: componentize-js's engine also imports wasi:io\/poll/);
    expect(existsSync(marker)).toBe(true);
    const second = await run();
    expect(second.stdout).toMatch(/Intl is not defined/);
    expect(second.stdout).not.toMatch(/engine also imports/);
    const verbose = await run('--verbose');
    expect(verbose.stdout).toMatch(/engine also imports/);
  });
});
