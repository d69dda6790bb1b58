/**
 * The drain of `momento-functions serve` on SIGTERM, as a process manager sends it: the built
 * dist/cli.js in a child process serving the committed Rust `sleep` component (it sleeps for the
 * body's milliseconds, without CPU). A sync request in flight completes 200, new connections are
 * refused, a running async invocation finishes and is delivered, a queued one stays in the
 * journal and runs at the next start, and the process exits 0.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './e2e-setup.js';
import { CallbackServer, until } from './helpers.js';

const cli = join(repoRoot, 'packages/runtime/dist/cli.js');
const sleepWasm = join(repoRoot, 'tests/fixtures/rust-official/sleep.wasm');

let dir: string;
const children: ChildProcess[] = [];
const callbacks = new CallbackServer();
let callbackUrl: string;

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  dir = await mkdtemp(join(tmpdir(), 'mf-drain-'));
  await writeFile(
    join(dir, 'momento-functions.json'),
    JSON.stringify({
      port: 0,
      functions: [{ name: 'sleep', entry: sleepWasm }],
      // One async invocation at a time, so a second one waits in the queue.
      async: { concurrency: 1 },
    }),
  );
  callbackUrl = await callbacks.start();
});

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await callbacks.stop();
  await rm(dir, { recursive: true, force: true });
});

interface Served {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `serve` in `dir` and resolves once it listens and its function is ready (`/readyz` 200). */
async function startServe(): Promise<Served> {
  const child = spawn(process.execPath, [cli, 'serve'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 90_000;
  let url: string | undefined;
  while (!url) {
    url = /Serving \d+ function\(s\) on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    if (child.exitCode !== null) throw new Error(`serve exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) throw new Error(`serve did not listen:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const base = url;
  for (;;) {
    const ready = await fetch(`${base}/readyz`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`sleep never became ready:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url: base, output: () => output, exited };
}

describe('serve drains on SIGTERM', () => {
  it('finishes what runs, refuses new connections, keeps queued async jobs for the next start, exits 0', async () => {
    const first = await startServe();
    const asyncInvoke = (ms: number) =>
      fetch(`${first.url}/spaces/default/functions/sleep/async-invoke`, {
        method: 'POST',
        headers: { 'x-callback-url': `${callbackUrl}/done` },
        body: String(ms),
      }).then(async (res) => {
        expect(res.status).toBe(202);
        return ((await res.json()) as { invocationId: string }).invocationId;
      });
    const running = await asyncInvoke(1500);
    const queued = await asyncInvoke(10);
    const inFlight = fetch(`${first.url}/spaces/default/functions/sleep/invoke`, {
      method: 'POST',
      body: '1500',
    });
    // Both are in the host (running, or queued behind the other on a one-core machine) before the signal.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const text = await (await fetch(`${first.url}/metrics`)).text();
      const gauge = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
      if (
        gauge('momento_functions_sandboxes_busy') + gauge('momento_functions_host_queued_invocations') ===
        2
      )
        break;
      if (Date.now() > deadline) throw new Error(`not both running:\n${text}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    first.child.kill('SIGTERM');

    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^slept 1\d{3} ms/);
    await expect(fetch(`${first.url}/healthz`)).rejects.toThrow();
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('SIGTERM: draining');
    expect(first.output()).toMatch(/Drained; 1 async invocation\(s\) kept for the next start\. Exiting\./);

    // The running async invocation finished and was delivered before the exit; the queued one was not run.
    expect(callbacks.received.map((c) => c.headers['x-invocation-id'])).toEqual([running]);
    expect(callbacks.received[0]!.body).toMatch(/^slept 1\d{3} ms/);
    const journal = await readdir(join(dir, '.momento-functions', 'async-jobs'));
    expect(journal).toEqual([`${queued}.json`]);

    // The next start resumes it.
    const second = await startServe();
    await callbacks.waitFor(2, 30_000);
    expect(callbacks.received[1]!.headers['x-invocation-id']).toBe(queued);
    expect(callbacks.received[1]!.body).toMatch(/^slept \d+ ms/);
    await until(() => second.output().includes('Delivered async result'));
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(await readdir(join(dir, '.momento-functions', 'async-jobs'))).toEqual([]);
  }, 240_000);
});
