#!/usr/bin/env node
// `npm run bench`: every benchmark of the repository, one after the other. Results are printed;
// the committed ones live beside each benchmark (bench/host/RESULTS.md). Extra arguments go to
// the host benchmark, e.g. `npm run bench -- --quick`.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (label, args) => {
  console.log(`\n=== ${label}: node ${args.join(' ')}\n`);
  const { status } = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
};

run('bytes: parsing and explaining JSON bodies', ['packages/bytes/test/bench.mjs']);
run('host: fresh-sandbox latency, throughput, host calls, HTTP', [
  'bench/host/run.mjs',
  ...process.argv.slice(2),
]);
