// Builds the runtime (tsup), bundles bench.ts with esbuild (the runtime stays external: it is
// imported from packages/runtime/dist) and runs it. Usage: node bench/host/run.mjs [--quick] [--no-http | --only-http]
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
execFileSync('npx', ['tsup', '--silent'], { cwd: join(root, 'packages', 'runtime'), stdio: 'inherit' });
const out = join(root, 'node_modules', '.cache', 'momento-bench', 'host-bench.mjs');
await build({
  entryPoints: [join(here, 'bench.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: out,
  external: ['@momento-functions/runtime', '@bytecodealliance/*', 'esbuild'],
  logLevel: 'warning',
});
await import(pathToFileURL(out).href);
