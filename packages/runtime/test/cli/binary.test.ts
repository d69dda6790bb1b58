/**
 * The `momento-functions` executable as a user runs it: the built dist/cli.js in a child process
 * (`invoke`, `serve --watch` with a real file change, `new` with the scaffold's own test).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../../../..');
const cli = join(repo, 'packages/runtime/dist/cli.js');
// Inside the repository, so the scaffold and the temporary functions resolve the workspace packages.
const scratchRoot = join(repo, 'node_modules/.cache/momento-cli-tests');
let scratch: string;

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  await mkdir(scratchRoot, { recursive: true });
  scratch = await mkdtemp(join(scratchRoot, 'run-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

const webFunction = (answer: string) =>
  `import { web } from '@momento-functions/guest-web';\n\nexport default web(() => ${JSON.stringify(answer)});\n`;

/** Waits for `pattern` on a child's stdout; resolves with the first match. */
function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolveMatch, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${seen}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = seen.match(pattern);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolveMatch(match);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ${pattern}; output:\n${seen}`));
    });
  });
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('momento-functions (the built executable)', () => {
  it('invoke builds a TypeScript entry and prints the response; the exit code follows the status', async () => {
    const { stdout } = await run(
      process.execPath,
      [cli, 'invoke', join(repo, 'examples/ping/index.ts'), 'hi'],
      {
        cwd: repo,
        timeout: 240_000,
      },
    );
    expect(stdout).toContain('pong');

    const greeter = join(repo, 'examples/json-greeter/index.ts');
    const failed = await run(process.execPath, [cli, 'invoke', greeter, 'not json'], {
      cwd: repo,
      timeout: 240_000,
    }).then(
      () => undefined,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toContain('Failed to parse request body: ');
  }, 300_000);

  it('serve --watch reloads a function when its source is replaced by rename (atomic save), serving the old one meanwhile', async () => {
    const dir = join(scratch, 'watched');
    await mkdir(dir, { recursive: true });
    const entry = join(dir, 'index.ts');
    await writeFile(entry, webFunction('version one'));
    const child = spawn(
      process.execPath,
      [
        cli,
        'serve',
        '--function',
        `hello=${entry}`,
        '--port',
        '0',
        '--watch',
        '--state-dir',
        join(dir, 'state'),
      ],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
    );
    try {
      const [, url] = await waitForOutput(child, /on (http:\/\/127\.0\.0\.1:\d+)/, 240_000);
      const answer = async () => (await fetch(`${url}/functions/default/hello`, { method: 'POST' })).text();
      // Listening comes first; the function answers once built (at once when the build is cached).
      expect(await answer()).toMatch(/^building… |^version one$/);
      await until(async () => ((await answer()) === 'version one' ? true : undefined), 240_000);

      // An editor's atomic save: write a temporary file, rename it over the entry.
      await writeFile(`${entry}.tmp`, webFunction('version two'));
      await rename(`${entry}.tmp`, entry);
      // The old version keeps answering while the new one builds; then the new one takes over.
      await until(async () => ((await answer()) === 'version two' ? true : undefined), 240_000);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      await exited;
    }
  }, 600_000);

  it('a missing component says how to build it, in the one error format', async () => {
    const failed = await run(process.execPath, [cli, 'invoke', 'dist/missing.wasm'], { cwd: scratch }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toBe(
      'error: dist/missing.wasm does not exist. Build it first with "momento-functions build <entry.ts> -o dist/missing.wasm" or pass a .ts entry.\n',
    );
  });

  it('new scaffolds a project whose own test passes out of the box', async () => {
    const project = join(scratch, 'hello');
    await run(process.execPath, [cli, 'new', project], { cwd: scratch });
    expect(existsSync(join(project, 'src/index.ts'))).toBe(true);
    const vitest = join(repo, 'node_modules/vitest/vitest.mjs');
    const { stdout } = await run(process.execPath, [vitest, 'run', '--root', project], {
      cwd: project,
      timeout: 300_000,
      env: { ...process.env, NO_COLOR: '1', CI: 'true' },
    });
    expect(stdout).toMatch(/Tests\s+2 passed/);
  }, 360_000);

  it('npm start (scripts/start.mjs) serves every example on the embedded defaults', async () => {
    const child = spawn(
      process.execPath,
      [join(repo, 'scripts/start.mjs'), '--port', '0', '--state-dir', join(scratch, 'start-state')],
      {
        cwd: repo,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    try {
      // The server listens at once and each example answers once its component is ready.
      const [, count, url] = await waitForOutput(
        child,
        /Serving (\d+) function\(s\) on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*(?:All \d+|\d+ of \d+) function\(s\) ready after/,
        480_000,
      );
      expect(Number(count)).toBeGreaterThanOrEqual(8);
      const greeting = await fetch(`${url}/spaces/default/functions/json-greeter/invoke`, {
        method: 'POST',
        body: '{"name":"Ada"}',
      });
      expect(await greeting.text()).toBe('{"message":"Hello, Ada!"}');
      const ping = await fetch(`${url}/functions/default/ping`, { method: 'POST', body: 'x' });
      expect(await ping.text()).toBe('pong');
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      // start.mjs leaves Ctrl+C to the terminal's process group and passes SIGTERM on.
      child.kill('SIGTERM');
      await exited;
    }
  }, 600_000);
});
