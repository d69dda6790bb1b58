// The build type-checks the entry's program (with its tsconfig.json) before componentizing: no
// component is built here.
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BuildError, build, runBuildCommand, typecheck } from '../src/index.js';

const fixtures = resolve(import.meta.dirname, 'fixtures');
const out = resolve(import.meta.dirname, '../../../node_modules/.cache/momento-functions/test-out/typecheck');

describe('the type check', () => {
  it('fails a type error before componentize, as file:line:col message', async () => {
    const phases: string[] = [];
    const p = build({
      entry: join(fixtures, 'type-error.mts'),
      outFile: join(out, 'x.wasm'),
      onProgress: (e) => phases.push(e.phase),
    });
    await expect(p).rejects.toBeInstanceOf(BuildError);
    await expect(p).rejects.toThrow(
      /^1 type error in .*type-error\.mts \(fix it, or skip the check with --no-typecheck \/ typecheck: false\):\n {2}.*packages\/build\/test\/fixtures\/type-error\.mts:4:7 Type 'string' is not assignable to type 'number'\. \(TS2322\)$/,
    );
    expect(phases).toEqual(['bundle', 'typecheck']);
  });

  it('fails an async handler with HandlerMustBeSynchronous', async () => {
    const p = build({ entry: join(fixtures, 'async-handler.mts'), outFile: join(out, 'x.wasm') });
    await expect(p).rejects.toThrow(/async-handler\.mts:4:\d+ .*HandlerMustBeSynchronous/);
  });

  it('typecheck: false goes straight on to componentize', async () => {
    const phases: string[] = [];
    const stop = new Error('stopped before componentize');
    const p = build({
      entry: join(fixtures, 'type-error.mts'),
      outFile: join(out, 'x.wasm'),
      typecheck: false,
      onProgress: (e) => {
        phases.push(e.phase);
        if (e.phase === 'componentize') throw stop;
      },
    });
    await expect(p).rejects.toBe(stop);
    expect(phases).toEqual(['bundle', 'componentize']);
  });

  it('the CLI prints error: and the positions, relative to the current directory; exit 1', async () => {
    let stderr = '';
    const code = await runBuildCommand([join(fixtures, 'type-error.mts'), '-o', join(out, 'x.wasm')], {
      stdout: () => {},
      stderr: (t) => (stderr += t),
    });
    expect(code).toBe(1);
    expect(stderr).toContain(`error: 1 type error in `);
    expect(stderr).toMatch(/type-checking /);
    expect(stderr).toMatch(
      / {2}\S*type-error\.mts:4:7 Type 'string' is not assignable to type 'number'\. \(TS2322\)\n$/,
    );
  });

  it('checks only the program rooted at the entry, and is fast once declarations are parsed', async () => {
    const entry = join(fixtures, 'web-random.ts');
    await typecheck(entry); // parses lib and @types declarations once per process
    const again = await typecheck(entry);
    expect(again.diagnostics).toEqual([]);
    expect(again.files).toBe(1);
    expect(again.tsconfig).toBe(resolve(import.meta.dirname, '../tsconfig.json'));
    console.info(`type check of web-random.ts (warm): ${again.ms} ms`);
  });

  it('uses default options when no tsconfig.json is above the entry, and ignores host module imports', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'mf-typecheck-'));
    const file = join(dir, 'fn.ts');
    writeFileSync(
      file,
      "import { log } from 'momento:log/logging@1.0.0';\nexport const f = (): string => { log('x', 'info'); return new TextDecoder().decode(new Uint8Array()); };\nexport const g: number = 'no';\n",
    );
    const r = await typecheck(file);
    expect(r.tsconfig).toBeUndefined();
    expect(r.diagnostics.map((d) => `${d.line}:${d.column} ${d.code}`)).toEqual(['3:14 TS2322']);
  });
});
