/**
 * The error mapper against a real esbuild bundle and a real stack trace: the stack of an error
 * thrown by the bundle maps back to the TypeScript line that threw it.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { relocateSourceMap } from '@momento-functions/build/internal';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { createErrorMapper, mapLogLine } from '../../src/server/source-map.js';

describe('createErrorMapper', () => {
  it('maps function.js:line:col positions of a stack to the TypeScript source', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mf-map-'));
    await writeFile(
      join(dir, 'handler.ts'),
      [
        'export function handler(n: number): number {',
        '  if (n > 1) {',
        "    throw new Error('boom');",
        '  }',
        '  return n;',
        '}',
        '',
      ].join('\n'),
    );
    await build({
      entryPoints: [join(dir, 'handler.ts')],
      bundle: true,
      format: 'esm',
      outfile: join(dir, 'function.js'),
      sourcemap: 'external',
      logLevel: 'silent',
    });
    const mod = (await import(pathToFileURL(join(dir, 'function.js')).href)) as {
      handler(n: number): number;
    };
    let stack = '';
    try {
      mod.handler(2);
    } catch (error) {
      stack = (error as Error).stack ?? '';
    }
    expect(stack).toMatch(/function\.js:\d+:\d+/);
    const mapped = createErrorMapper(join(dir, 'function.js.map'), dir)(stack);
    expect(mapped).toContain('handler.ts:3:11');
    // SpiderMonkey-style frames (what StarlingMonkey prints) map the same way.
    const line = stack.match(/function\.js:(\d+):(\d+)/)!;
    expect(
      createErrorMapper(join(dir, 'function.js.map'), dir)(`handler@function.js:${line[1]}:${line[2]}`),
    ).toBe('handler@handler.ts:3:11');
    expect(createErrorMapper(join(dir, 'function.js.map'), dir)('no positions here')).toBe(
      'no positions here',
    );
  });

  it('names the source as the editor does when the map is written elsewhere (dist/), as the build writes it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mf-map-'));
    await mkdir(join(dir, 'src'));
    await writeFile(
      join(dir, 'src', 'deep.ts'),
      "export function deep(): never {\n  throw new Error('x');\n}\n",
    );
    await writeFile(
      join(dir, 'thrower.ts'),
      "import { deep } from './src/deep';\nexport const run = () => deep();\n",
    );
    // As the build bundles: output path in the project folder, so sources are relative to it.
    await build({
      entryPoints: [join(dir, 'thrower.ts')],
      bundle: true,
      format: 'esm',
      outfile: join(dir, 'function.js'),
      sourcemap: 'external',
      logLevel: 'silent',
    });
    const raw = await readFile(join(dir, 'function.js.map'), 'utf8');
    expect(JSON.parse(raw).sources).toEqual(['src/deep.ts', 'thrower.ts']);
    await mkdir(join(dir, 'dist'));
    const relocated = relocateSourceMap(raw, 'function.js', dir, join(dir, 'dist'));
    expect(JSON.parse(relocated)).toMatchObject({
      file: 'function.js',
      sources: ['../src/deep.ts', '../thrower.ts'],
    });
    await writeFile(join(dir, 'dist', 'thrower.wasm.map'), relocated);
    const code = await readFile(join(dir, 'function.js'), 'utf8');
    const line = code.split('\n').findIndex((l) => l.includes('throw new Error')) + 1;
    const map = createErrorMapper(join(dir, 'dist', 'thrower.wasm.map'), dir);
    expect(map(`deep@function.js:${line}:9`)).toBe('deep@src/deep.ts:2:9');
    // Log lines (pretty and JSON) are mapped with the mapper of the function they name.
    const lookup = (name: string | undefined) => (name === 'thrower' ? map : undefined);
    expect(mapLogLine(`[thrower 1] deep@function.js:${line}:9`, lookup)).toBe(
      '[thrower 1] deep@src/deep.ts:2:9',
    );
    expect(mapLogLine(`[other 1] deep@function.js:${line}:9`, lookup)).toBe(
      `[other 1] deep@function.js:${line}:9`,
    );
    expect(
      JSON.parse(
        mapLogLine(JSON.stringify({ function: 'thrower', message: `at function.js:${line}:9` }), lookup),
      ),
    ).toEqual({ function: 'thrower', message: 'at src/deep.ts:2:9' });
  });
});
