#!/usr/bin/env node
// `npm start`: build the workspace packages if needed, then serve every example with the
// embedded defaults (`momento-functions serve` at the repository root) and print the URLs to try.
// Extra arguments go to `serve`: `npm start -- --port 9000 --watch`.
//
// On a fresh clone the packages are built as JavaScript only (seconds) so the server starts at
// once; their type declarations (a minute or more of tsc) are built afterwards, at the lowest CPU
// priority so they do not slow the examples' builds, into the same dist/ folders.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { constants, setPriority } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'packages', 'runtime', 'dist', 'cli.js');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// The workspaces in the order `npm run build` builds them (each after the packages it imports).
const buildScript = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.build;
const workspaces = [...buildScript.matchAll(/-w (packages\/\S+)/g)]
  .map((match) => match[1])
  .filter((dir) => existsSync(join(root, dir, 'package.json')));
const built = (dir, file) => existsSync(join(root, dir, 'dist', file));

const unbuilt = workspaces.filter((dir) => !built(dir, 'index.js'));
if (workspaces.length === 0 || (unbuilt.length === 0 && !existsSync(cli))) {
  // Not the build script this expects, or a runtime without its CLI: the full build it is.
  console.error('Building the workspace packages first (npm run build)...');
  const full = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (full.status !== 0) {
    console.error('The build failed (see above). Fix it, or run `npm run build` to see the error again.');
    process.exit(full.status ?? 1);
  }
} else if (unbuilt.length > 0) {
  const names = unbuilt.map((dir) => dir.replace('packages/', '')).join(', ');
  console.error(`Building the workspace packages first, JavaScript only (${names} not built yet)...`);
  const started = Date.now();
  const js = spawnSync(
    npm,
    ['run', 'build', '--if-present', ...unbuilt.flatMap((dir) => ['-w', dir]), '--', '--no-dts'],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (js.status !== 0) {
    console.error('The build failed (see above). Fix it, or run `npm run build` to see the error again.');
    process.exit(js.status ?? 1);
  }
  console.error(`Built the packages in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
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

let declarations;
// Ctrl+C stops the declaration build too (same process group); that is no failure to report.
let stopping = false;
const untyped = workspaces.filter((dir) => !built(dir, 'index.d.ts'));
if (untyped.length > 0) {
  const logDir = join(root, 'node_modules', '.cache', 'momento-functions');
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, 'start-declarations.log');
  const log = createWriteStream(logFile);
  // --no-clean: the JavaScript the server is running from stays where it is.
  declarations = spawn(
    npm,
    [
      'run',
      'build',
      '--if-present',
      ...untyped.flatMap((dir) => ['-w', dir]),
      '--',
      '--dts-only',
      '--no-clean',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    // npm and the tsc it starts inherit the priority.
    setPriority(declarations.pid, constants.priority.PRIORITY_LOW);
  } catch {
    // Best effort: without it they compete with the builds at normal priority.
  }
  declarations.on('error', (error) => {
    declarations = undefined;
    console.error(`Could not start the type declaration build (${error.message}); run \`npm run build\`.`);
  });
  declarations.stdout.pipe(log);
  declarations.stderr.pipe(log);
  declarations.on('exit', (code, signal) => {
    declarations = undefined;
    if (signal || stopping) return;
    if (code === 0)
      console.error(`Type declarations of ${untyped.length} package(s) built (log: ${logFile}).`);
    else console.error(`Building the type declarations failed: see ${logFile}, or run \`npm run build\`.`);
  });
}

// Ctrl+C reaches the server directly (same process group); it shuts down gracefully. A SIGTERM sent
// to this script alone is passed on.
process.on('SIGINT', () => {
  stopping = true;
});
process.on('SIGTERM', () => {
  stopping = true;
  child.kill('SIGTERM');
});
child.on('exit', (code, signal) => {
  stopping = true;
  declarations?.kill('SIGTERM');
  process.exitCode = code ?? (signal ? 130 : 1);
});
