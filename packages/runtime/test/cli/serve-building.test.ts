/**
 * `momento-functions serve` with real builds and an empty build cache: the server listens before
 * any component is built, a function answers 503 "building…" until it is ready and 200 after, a
 * function whose build fails answers 500 with the build error while the other one serves, and a
 * restart reuses the cached component. One componentize in all (10–40 s).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServeCommand } from '../../src/cli/serve-command.js';
import type { RunningServer } from '../../src/server/serve.js';
import { assertGuestPackagesBuilt, repoRoot } from '../server/e2e-setup.js';

let project: string;

beforeAll(async () => {
  assertGuestPackagesBuilt();
  // Inside the repository so the functions resolve the workspace packages; its own package.json
  // gives it its own, empty, build cache (node_modules/.cache/momento-functions below it).
  await mkdir(join(repoRoot, 'node_modules', '.cache'), { recursive: true });
  project = await mkdtemp(join(repoRoot, 'node_modules', '.cache', 'mf-serve-building-'));
  await writeFile(
    join(project, 'package.json'),
    '{ "name": "serve-building", "private": true, "type": "module" }\n',
  );
  await mkdir(join(project, 'hello'));
  await writeFile(
    join(project, 'hello', 'index.ts'),
    `import { web } from '@momento-functions/guest-web';\n\nexport default web(() => 'hello while you wait');\n`,
  );
  await mkdir(join(project, 'broken'));
  await writeFile(
    join(project, 'broken', 'index.ts'),
    `import { web } from '@momento-functions/guest-web';\nimport { missing } from './not-there';\n\nexport default web(() => missing);\n`,
  );
});

afterAll(() => rm(project, { recursive: true, force: true }));

function capture() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  stdin.end();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  return {
    io: { stdout, stderr, stdin, cwd: project, env: { ...process.env, NO_COLOR: '1' } },
    out: () => out,
    err: () => err,
  };
}

const start = (io: ReturnType<typeof capture>['io']) =>
  startServeCommand(
    [
      ...['--port', '0', '--quiet', '--state-dir', join(project, 'state')],
      ...['-f', 'hello=hello/index.ts', '-f', 'broken=broken/index.ts'],
    ],
    io,
  );

const call = async (running: RunningServer, name: string) => {
  const res = await fetch(`${running.url}/spaces/default/functions/${name}/invoke`, { method: 'POST' });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), text: await res.text() };
};

describe('momento-functions serve while building', () => {
  it('listens at once, answers 503 until a function is built, 500 for a broken one, 200 after', async () => {
    const run = capture();
    const running = (await start(run.io))!;
    try {
      expect(run.out()).toMatch(/Serving 2 function\(s\) on http:\/\/127\.0\.0\.1:\d+ \(2 building/);
      expect(run.out()).toContain(`${running.url}/functions/default/hello`);
      const early = await call(running, 'hello');
      expect(early.status).toBe(503);
      expect(early.text).toMatch(/^building… \(hello\/index\.ts\)/);
      expect(early.retryAfter).toBe('5');

      const report = await running.ready;
      expect(report.ready).toEqual(['default/hello']);
      expect(report.failed.map((f) => f.name)).toEqual(['broken']);

      const broken = await call(running, 'broken');
      expect(broken.status).toBe(500);
      expect(broken.text).toContain('could not be built or loaded (broken/index.ts)');
      expect(broken.text).toContain('./not-there');
      expect(run.err()).toContain('default/broken (broken/index.ts) could not be built or loaded');

      const hello = await call(running, 'hello');
      expect(hello).toMatchObject({ status: 200, text: 'hello while you wait' });
      expect(run.out()).toMatch(/✔ hello ready after [\d.]+ s \(web; built in [\d.]+ s\)/);
      expect(run.out()).toContain(`curl -i ${running.url}/spaces/default/functions/hello/invoke`);
      expect(run.out()).toMatch(/✖ broken failed after [\d.]+ s \(broken\/index\.ts\)/);
      expect(run.out()).toMatch(/1 of 2 function\(s\) ready after [\d.]+ s; failed: broken\./);
    } finally {
      await running.close();
    }
  }, 240_000);

  it('reuses the cached component after a restart', async () => {
    const run = capture();
    const running = (await start(run.io))!;
    try {
      const report = await running.ready;
      expect(report.ready).toEqual(['default/hello']);
      expect(run.out()).toMatch(/✔ hello ready after [\d.]+ s \(web; cached build, [\d.]+ s\)/);
      expect((await call(running, 'hello')).text).toBe('hello while you wait');
    } finally {
      await running.close();
    }
  }, 120_000);
});
