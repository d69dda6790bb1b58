/**
 * Where the sandbox worker script is. Built packages ship it as `dist/worker.js`; when the host
 * runs from its TypeScript sources (tests, `vitest`), the worker is bundled once with esbuild
 * into the cache directory (keyed by the sources' content).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

let cached: Promise<URL> | undefined;

/**
 * The URL of the worker entry script.
 *
 * @example
 * new Worker(await workerUrl(cacheDir));
 */
export function workerUrl(cacheDir: string): Promise<URL> {
  cached ??= resolve(cacheDir);
  return cached;
}

async function resolve(cacheDir: string): Promise<URL> {
  const built = new URL('./worker.js', import.meta.url);
  if (built.protocol === 'file:' && existsSync(fileURLToPath(built))) return built;
  const here = dirname(fileURLToPath(import.meta.url));
  const entry = join(here, 'worker', 'main.ts');
  if (!existsSync(entry))
    throw new Error(`cannot find the sandbox worker (looked for ${fileURLToPath(built)} and ${entry})`);
  const hash = createHash('sha256');
  for (const dir of [here, join(here, 'worker')]) {
    for (const name of (await readdir(dir)).sort()) {
      if (name.endsWith('.ts')) hash.update(name).update(await readFile(join(dir, name)));
    }
  }
  const out = join(cacheDir, 'worker', `worker-${hash.digest('hex').slice(0, 16)}.mjs`);
  if (!existsSync(out)) {
    await mkdir(dirname(out), { recursive: true });
    const esbuild = await import('esbuild');
    const tmp = `${out}.${process.pid}.tmp.mjs`;
    await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: tmp,
      logLevel: 'silent',
    });
    const { rename } = await import('node:fs/promises');
    await rename(tmp, out);
  }
  return pathToFileURL(out);
}
