/**
 * Publishing, proven by a real registry: every package of this workspace is published to a
 * throwaway Verdaccio on loopback, then, in a folder outside the repository, a user's first
 * steps run exactly as docs/getting-started.md shows them — `npm create @momento-functions`,
 * `npm install`, `npm test`, `npm run build`, `npx momento-functions invoke`, a type check, and
 * `npm install @momento-functions/cache` followed by another build and a test that seeds the cache. Nothing in that folder may
 * refer to this repository. The commands and their timings are written to
 * `.cache/registry/transcript.md`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort, type LocalRegistry, startLocalRegistry } from './local-registry.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const transcript: string[] = [];
let scratch: string;
let registry: LocalRegistry;

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of a user's shell: nothing from the npm or vitest run this test is part of. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|VITEST|NODE_ENV$|INIT_CWD$|TEST$)/i.test(key)) continue;
    env[key] = value;
  }
  return {
    ...env,
    npm_config_userconfig: registry.npmrc,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    NO_COLOR: '1',
  };
}

/** Runs one command as a user would type it, records it in the transcript, fails on a non-zero exit. */
async function sh(
  cwd: string,
  command: string,
  args: string[],
  summary?: (ran: Ran) => string,
): Promise<Ran> {
  const timeoutMs = 600_000;
  const shown = `${command} ${args.map((a) => (/[\s'"{}]/.test(a) ? `'${a}'` : a)).join(' ')}`;
  const where = cwd === repoRoot ? 'the repository' : relative(scratch, cwd) || '.';
  const started = Date.now();
  const ran = await new Promise<Ran>((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  transcript.push(`$ ${shown}    # in ${where}, ${seconds} s, exit ${ran.code}`);
  const tail = `${ran.stdout.trimEnd()}\n${ran.stderr}`.trim().split('\n').slice(-12).join('\n');
  if (ran.code !== 0) {
    throw new Error(`\`${shown}\` (in ${cwd}) exited with ${ran.code}:\n${ran.stdout}\n${ran.stderr}`);
  }
  const shownOutput = summary ? summary(ran) : tail;
  if (shownOutput) transcript.push(shownOutput.replace(/^/gm, '  '));
  return ran;
}

async function filesOf(dir: string, skip: (name: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (skip(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesOf(path, skip)));
    else out.push(path);
  }
  return out;
}

/** `npm run serve` as the scaffold's README shows it (on a free port), one request through it, then Ctrl+C. */
async function serveAndCall(project: string, body: unknown, expected: unknown): Promise<void> {
  const port = await freePort();
  const started = Date.now();
  const server = spawn('npm', ['run', 'serve', '--', '--port', String(port)], {
    cwd: project,
    env: userEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  server.stdout.on('data', (d) => (output += d));
  server.stderr.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}/functions/default/hello`;
  try {
    const deadline = Date.now() + 240_000;
    for (;;) {
      const res = await fetch(url, { method: 'POST', body: JSON.stringify(body) }).catch(() => undefined);
      if (res?.status === 200) {
        expect(await res.json()).toEqual(expected);
        break;
      }
      if (server.exitCode !== null || Date.now() > deadline) {
        throw new Error(`npm run serve never answered 200 at ${url} (last: ${res?.status}):\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    if (server.pid !== undefined && server.exitCode === null) process.kill(-server.pid, 'SIGINT');
    await new Promise((r) => (server.exitCode !== null ? r(undefined) : server.once('exit', r)));
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  transcript.push(
    `$ npm run serve -- --port ${port}    # in ${relative(scratch, project)}, answered 200 within ${seconds} s, stopped with Ctrl+C`,
  );
  transcript.push(`$ curl ${url} -d '${JSON.stringify(body)}'`, `  ${JSON.stringify(expected)}`);
}

beforeAll(async () => {
  for (const pkg of await readdir(join(repoRoot, 'packages'))) {
    const pj = join(repoRoot, 'packages', pkg, 'package.json');
    if (existsSync(pj) && !existsSync(join(repoRoot, 'packages', pkg, 'dist'))) {
      throw new Error(`packages/${pkg} is not built: run \`npm run build\` first (npm test does).`);
    }
  }
  scratch = await mkdtemp(join(tmpdir(), 'mf-registry-'));
  registry = await startLocalRegistry(join(scratch, 'registry'), repoRoot);
});

afterAll(async () => {
  await registry?.stop();
  if (transcript.length > 0) {
    await mkdir(join(repoRoot, '.cache', 'registry'), { recursive: true });
    await writeFile(join(repoRoot, '.cache', 'registry', 'transcript.md'), `${transcript.join('\n')}\n`);
  }
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

it('publishes every workspace package, and a new user goes from an empty folder to a tested, built, invoked Function', async () => {
  // 1. Publish, as a release would (prepack ships the LICENSE and the guides, and postpack
  // leaves the working tree as it was).
  const status = () =>
    execFileSync('git', ['status', '--porcelain', '--', 'packages'], { cwd: repoRoot, encoding: 'utf8' });
  const before = status();
  await sh(repoRoot, 'npm', ['publish', '--workspaces', '--registry', registry.url], (ran) =>
    [...`${ran.stdout}${ran.stderr}`.matchAll(/^\+ (@momento-functions\/\S+)$/gm)]
      .map((m) => `+ ${m[1]}`)
      .join('\n'),
  );
  expect(status(), 'publishing left the packages as they were').toBe(before);
  const names = (await readdir(join(repoRoot, 'packages'))).filter((p) =>
    existsSync(join(repoRoot, 'packages', p, 'package.json')),
  );
  for (const name of names) {
    const res = await fetch(`${registry.url}@momento-functions%2f${name}`);
    expect(res.status, `@momento-functions/${name} is published`).toBe(200);
  }

  // 2. A user's empty folder, outside the repository.
  const work = join(scratch, 'work');
  await mkdir(work);
  await sh(work, 'npm', ['create', '--yes', '@momento-functions', 'hello']);
  const project = join(work, 'hello');
  await sh(project, 'npm', ['install']);
  const installed = realpathSync(join(project, 'node_modules', '@momento-functions', 'runtime'));
  expect(installed.startsWith(project), 'the runtime is installed in the project, not linked').toBe(true);

  // 3. The scaffold's own test builds the component and runs it in the host.
  const test = await sh(project, 'npm', ['test']);
  expect(test.stdout).toMatch(/Tests\s+2 passed/);

  // 4. Build, invoke, type-check.
  await sh(project, 'npm', ['run', 'build']);
  expect(existsSync(join(project, 'dist', 'hello.wasm'))).toBe(true);
  const hello = await sh(project, 'npx', [
    'momento-functions',
    'invoke',
    'dist/hello.wasm',
    '{"name":"Ada"}',
  ]);
  expect(JSON.parse(hello.stdout)).toEqual({ message: 'Hello, Ada!' });
  expect(hello.stderr).toContain('HTTP 200');
  await sh(project, 'npm', ['run', 'typecheck']);
  await serveAndCall(project, { name: 'Ada' }, { message: 'Hello, Ada!' });

  // 5. A second install (a new host interface) keeps every build working.
  await sh(project, 'npm', ['install', '@momento-functions/cache']);
  await writeFile(
    join(project, 'src', 'index.ts'),
    `import { extract } from '@momento-functions/bytes';
import * as cache from '@momento-functions/cache';
import { web } from '@momento-functions/guest-web';

interface Greeting {
  name?: string;
}

export default web(extract.json<Greeting>(), ({ name }) => {
  const key = \`visits:\${name}\`;
  const visits = Number(cache.get(key, extract.text) ?? '0') + 1;
  cache.set(key, String(visits), { minutes: 5 });
  return { message: \`Hello, \${name ?? 'world'}!\`, visits };
});
`,
  );
  await sh(project, 'npm', ['run', 'build']);
  await sh(project, 'npm', ['run', 'typecheck']);
  const cached = await sh(project, 'npx', [
    'momento-functions',
    'invoke',
    'dist/hello.wasm',
    '{"name":"Ada"}',
  ]);
  expect(JSON.parse(cached.stdout)).toEqual({ message: 'Hello, Ada!', visits: 1 });

  // The testing API in a user's project: seed the cache, then read what the function wrote.
  await writeFile(
    join(project, 'test', 'visits.test.ts'),
    `import { createHost } from '@momento-functions/runtime';
import { expect, it } from 'vitest';

it('counts visits in the cache', async () => {
  const host = await createHost();
  try {
    const fn = await host.load('src/index.ts');
    await host.cache().set('visits:Ada', '41');
    const res = await fn.invoke({ body: '{"name":"Ada"}' });
    expect(res.json()).toEqual({ message: 'Hello, Ada!', visits: 42 });
    expect(await host.cache().get('visits:Ada')).toBe('42');
  } finally {
    await host.close();
  }
});
`,
  );
  const seeded = await sh(project, 'npx', ['vitest', 'run', 'test/visits.test.ts']);
  expect(seeded.stdout).toMatch(/Tests\s+1 passed/);

  // 6. Nothing in the project refers to this repository.
  const own = await filesOf(project, (name) => name === 'node_modules' || name === 'dist');
  for (const file of own) {
    expect(await readFile(file, 'utf8'), relative(project, file)).not.toContain(repoRoot);
  }
  const lock = await readFile(join(project, 'package-lock.json'), 'utf8');
  expect(lock).not.toContain('"link": true');
}, 1_800_000);
