/**
 * The error mapper against a real esbuild bundle and a real stack trace: the stack of an error
 * thrown by the bundle maps back to the TypeScript line that threw it.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { createErrorMapper } from '../../src/server/source-map.js';

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
});
