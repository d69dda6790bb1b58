/**
 * `serve --watch`'s watcher (chokidar + debounce) against real file operations: an editor's
 * atomic save (rename over the entry), delete + create, a burst of saves, a component replaced by
 * rename, local modules outside the entry's folder, and what it ignores.
 */
import { mkdir, mkdtemp, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FunctionWatcher, localSources, watchFunctionFiles } from '../../src/server/watch.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const open: FunctionWatcher[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((w) => w.close()));
});

async function setup(targets: (dir: string) => { name: string; entry: string }[]) {
  const dir = await mkdtemp(join(tmpdir(), 'mf-watch-'));
  await mkdir(join(dir, 'src'), { recursive: true });
  await writeFile(join(dir, 'src', 'index.ts'), 'export default 1;\n');
  await writeFile(join(dir, 'src', 'other.ts'), 'export const x = 1;\n');
  await mkdir(join(dir, 'dist'), { recursive: true });
  await writeFile(join(dir, 'dist', 'built.wasm'), 'v0');
  const batches: string[][] = [];
  const watcher = watchFunctionFiles(targets(dir), {
    onChange: (names) => batches.push(names),
    debounceMs: 150,
  });
  open.push(watcher);
  await watcher.ready;
  return { dir, batches, watcher };
}

/** Waits until `batches` has `count` entries, then a little longer to see that no more come. */
async function settle(batches: string[][], count: number, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (batches.length < count && Date.now() < deadline) await sleep(25);
  await sleep(400);
}

describe('watchFunctionFiles', () => {
  it('sees an atomic save: a temporary file renamed over the entry, again and again', async () => {
    const { dir, batches } = await setup((d) => [{ name: 'hello', entry: join(d, 'src', 'index.ts') }]);
    for (let i = 0; i < 3; i++) {
      const tmp = join(dir, 'src', `.index.ts.${i}.tmp`);
      await writeFile(tmp, `export default ${i + 2};\n`);
      await rename(tmp, join(dir, 'src', 'index.ts'));
      await settle(batches, i + 1);
      expect(batches).toHaveLength(i + 1);
    }
    expect(batches).toEqual([['hello'], ['hello'], ['hello']]);
    await rm(dir, { recursive: true, force: true });
  });

  it('sees a delete then a create of the entry, and a change of another module of its folder', async () => {
    const { dir, batches } = await setup((d) => [{ name: 'hello', entry: join(d, 'src', 'index.ts') }]);
    await unlink(join(dir, 'src', 'index.ts'));
    await settle(batches, 1);
    await writeFile(join(dir, 'src', 'index.ts'), 'export default 3;\n');
    await settle(batches, 2);
    expect(batches.length).toBeGreaterThanOrEqual(2); // the delete (a failing rebuild), then the create
    expect(batches.flat().every((n) => n === 'hello')).toBe(true);
    const before = batches.length;
    await writeFile(join(dir, 'src', 'other.ts'), 'export const x = 2;\n');
    await settle(batches, before + 1);
    expect(batches).toHaveLength(before + 1);
    await rm(dir, { recursive: true, force: true });
  });

  it('gives exactly one reload for a burst of 10 saves within 100 ms', async () => {
    const { dir, batches } = await setup((d) => [{ name: 'hello', entry: join(d, 'src', 'index.ts') }]);
    const started = Date.now();
    for (let i = 0; i < 10; i++) {
      await writeFile(join(dir, 'src', 'index.ts'), `export default ${i};\n`);
      await sleep(8);
    }
    expect(Date.now() - started).toBeLessThan(200);
    await settle(batches, 1);
    await sleep(300);
    expect(batches).toEqual([['hello']]);
    await rm(dir, { recursive: true, force: true });
  });

  it('ignores dist/, node_modules/, dot-folders and .wasm/.map files under a source folder', async () => {
    const { dir, batches } = await setup((d) => [{ name: 'hello', entry: join(d, 'src', 'index.ts') }]);
    for (const sub of ['dist', 'node_modules/x', '.cache']) {
      await mkdir(join(dir, 'src', sub), { recursive: true });
      await writeFile(join(dir, 'src', sub, 'f.js'), '1');
    }
    await writeFile(join(dir, 'src', 'hello.wasm'), '1');
    await writeFile(join(dir, 'src', 'hello.wasm.map'), '1');
    await sleep(600);
    expect(batches).toEqual([]);
    await rm(dir, { recursive: true, force: true });
  });

  it('watches a component as its file, replaced by rename too, and added local modules', async () => {
    const { dir, batches, watcher } = await setup((d) => [
      { name: 'built', entry: join(d, 'dist', 'built.wasm') },
      { name: 'hello', entry: join(d, 'src', 'index.ts') },
    ]);
    await writeFile(join(dir, 'dist', 'built.wasm'), 'v1');
    await settle(batches, 1);
    expect(batches).toEqual([['built']]);
    await writeFile(join(dir, 'dist', 'built.wasm.tmp'), 'v2');
    await rename(join(dir, 'dist', 'built.wasm.tmp'), join(dir, 'dist', 'built.wasm'));
    await settle(batches, 2);
    expect(batches).toEqual([['built'], ['built']]);
    // A module outside the entry's folder, known from the build's source map.
    await mkdir(join(dir, 'shared'), { recursive: true });
    await writeFile(join(dir, 'shared', 'greet.ts'), 'export const g = 1;\n');
    await writeFile(join(dir, 'shared', 'unrelated.ts'), '1');
    await writeFile(
      join(dir, 'dist', 'hello.wasm.map'),
      JSON.stringify({
        version: 3,
        sources: ['../src/index.ts', '../shared/greet.ts', '../node_modules/zod/index.js'],
        mappings: '',
      }),
    );
    const local = localSources(join(dir, 'dist', 'hello.wasm.map'));
    expect(local).toEqual([join(dir, 'src', 'index.ts'), join(dir, 'shared', 'greet.ts')]);
    watcher.addFiles('hello', local);
    await sleep(300);
    await writeFile(join(dir, 'shared', 'unrelated.ts'), '2');
    await sleep(400);
    expect(batches).toHaveLength(2);
    await writeFile(join(dir, 'shared', 'greet.ts'), 'export const g = 2;\n');
    await settle(batches, 3);
    expect(batches).toEqual([['built'], ['built'], ['hello']]);
    await rm(dir, { recursive: true, force: true });
  });
});
