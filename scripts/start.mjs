#!/usr/bin/env node
// `npm start`: build the workspace packages if needed, then serve every example with the
// embedded defaults (`momento-functions serve` at the repository root) and print the URLs to try.
// Extra arguments go to `serve`: `npm start -- --port 9000 --watch`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'packages', 'runtime', 'dist', 'cli.js');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const unbuilt = readdirSync(join(root, 'packages')).filter(
  (name) =>
    existsSync(join(root, 'packages', name, 'package.json')) &&
    !existsSync(join(root, 'packages', name, 'dist', 'index.js')),
);
if (unbuilt.length > 0 || !existsSync(cli)) {
  console.error(
    `Building the workspace packages first (${unbuilt.length > 0 ? unbuilt.join(', ') : 'runtime CLI'} not built yet)...`,
  );
  const built = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) {
    console.error('The build failed (see above). Fix it, or run `npm run build` to see the error again.');
    process.exit(built.status ?? 1);
  }
}
if (!existsSync(cli)) {
  console.error(
    `${cli} is missing after the build: packages/runtime must build src/cli/bin.ts to dist/cli.js (see docs/cli.md).`,
  );
  process.exit(1);
}

const child = spawn(process.execPath, [cli, 'serve', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
// Ctrl+C reaches the server directly (same process group); it shuts down gracefully. A SIGTERM sent
// to this script alone is passed on.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 130 : 1);
});
