/**
 * Builds the small test components, cached on disk by content hash: WAT core modules through
 * jco parse + componentEmbed + componentNew, and plain-JS guests through
 * componentize-js (with the preopen workaround).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root: the nearest ancestor holding wit/deps (this file may run bundled elsewhere). */
function findRepo(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'wit', 'deps', 'bytes'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the repository (wit/deps) above ${start}`);
    dir = up;
  }
  return dir;
}
const repo = findRepo(here);
const cacheDir = join(repo, 'node_modules', '.cache', 'momento-runtime-tests');

/**
 * Extra WIT packages the tests need: a WASI interface the platform refuses, and the test-only
 * `test:counters` interface with resources (test/wit/counters.wit).
 */
const EXTRA_DEPS: Record<string, string> = {
  'wasi-sockets/sockets.wit': 'package wasi:sockets@0.2.0;\ninterface tcp { connect: func(port: u16); }\n',
  'wasi-random/random.wit':
    'package wasi:random@0.2.0;\ninterface random { get-random-bytes: func(len: u64) -> list<u8>; get-random-u64: func() -> u64; }\n',
  'test-counters/counters.wit': readFileSync(
    join(repo, 'packages', 'runtime', 'test', 'wit', 'counters.wit'),
    'utf8',
  ),
};

async function witDir(world: string): Promise<string> {
  const hash = createHash('sha256')
    .update(world)
    .update(JSON.stringify(EXTRA_DEPS))
    .digest('hex')
    .slice(0, 16);
  const dir = join(tmpdir(), `momento-runtime-wit-${hash}`);
  if (!existsSync(join(dir, 'world.wit'))) {
    await cp(join(repo, 'wit', 'deps'), join(dir, 'deps'), { recursive: true });
    for (const [path, text] of Object.entries(EXTRA_DEPS)) {
      await mkdir(join(dir, 'deps', dirname(path)), { recursive: true });
      await writeFile(join(dir, 'deps', path), text);
    }
    await writeFile(join(dir, 'world.wit'), world);
  }
  return dir;
}

async function cached(key: string, build: () => Promise<Uint8Array>): Promise<Uint8Array> {
  const file = join(cacheDir, `${createHash('sha256').update(key).digest('hex').slice(0, 24)}.wasm`);
  if (existsSync(file)) return new Uint8Array(await readFile(file));
  const bytes = await build();
  await mkdir(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, file);
  return bytes;
}

async function preopens(): Promise<void> {
  const { _setPreopens } = (await import('@bytecodealliance/preview2-shim/filesystem')) as unknown as {
    _setPreopens(p: Record<string, string>): void;
  };
  _setPreopens({ '/': '/' });
}

/** A component from a WAT core module and a world (`package test:x; world guest { ... }`). */
export function watComponent(world: string, wat: string): Promise<Uint8Array> {
  return cached(`wat-v1\0${world}\0${wat}`, async () => {
    await preopens();
    const jco = await import('@bytecodealliance/jco');
    const core = await jco.parse(wat);
    const dir = await witDir(world);
    const pkg = /package\s+([^;]+);/.exec(world)![1]!;
    const worldName = /world\s+([\w-]+)/.exec(world)![1]!;
    const embedded = await jco.componentEmbed({ binary: core, witPath: dir, world: `${pkg}/${worldName}` });
    return jco.componentNew(embedded, []);
  });
}

/** A component from a plain JS module through componentize-js (stdio, random, http off). */
export function jsComponent(world: string, js: string): Promise<Uint8Array> {
  return cached(`js-v1\0${world}\0${js}`, async () => {
    await preopens();
    const dir = await witDir(world);
    const src = join(dir, `guest-${createHash('sha256').update(js).digest('hex').slice(0, 12)}.js`);
    await writeFile(src, js);
    const { componentize } = (await import('@bytecodealliance/componentize-js')) as unknown as {
      componentize(opts: Record<string, unknown>): Promise<{ component: Uint8Array }>;
    };
    const worldName = /world\s+([\w-]+)/.exec(world)![1]!;
    const { component } = await componentize({
      sourcePath: src,
      witPath: dir,
      worldName,
      disableFeatures: ['stdio', 'random', 'http', 'fetch-event'],
    });
    return component;
  });
}
