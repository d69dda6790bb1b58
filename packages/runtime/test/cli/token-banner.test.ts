/**
 * `momento-functions token -c <config>` (the same config `serve -c` reads: its signing key and
 * state directory) and the serve banner's curl example per function kind. In-process, no build.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { describeEndpoints, describeFunctionEvent } from '../../src/cli/serve-command.js';
import { styleFor } from '../../src/cli/ui.js';
import { verifyToken } from '../../src/services/token/index.js';

function capture(cwd: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  stdin.end('');
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  return {
    io: { stdout, stderr, stdin, cwd, env: { ...process.env, NO_COLOR: '1' } },
    out: () => out,
    err: () => err,
  };
}

describe('momento-functions token -c', () => {
  it("signs with the config's auth.signingKey, from any directory", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mf-token-'));
    const key = 'k'.repeat(40);
    try {
      const config = join(dir, 'server.json');
      await writeFile(config, JSON.stringify({ functions: [], auth: { enabled: true, signingKey: key } }));
      const elsewhere = await mkdtemp(join(tmpdir(), 'mf-token-cwd-'));
      const run = capture(elsewhere);
      expect(await runCli(['token', '-c', config, '--token-id', 'me'], run.io)).toBe(0);
      expect((await verifyToken(run.out().trim(), key)).tokenId).toBe('me');
      const long = capture(elsewhere);
      expect(await runCli(['token', '--config', config], long.io)).toBe(0);
      await expect(verifyToken(long.out().trim(), key)).resolves.toBeTruthy();
      await rm(elsewhere, { recursive: true, force: true });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("uses the config's stateDir key, and says what is wrong with a bad config", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mf-token-'));
    try {
      const config = join(dir, 'momento-functions.json');
      await writeFile(config, JSON.stringify({ functions: [], stateDir: 'state' }));
      const run = capture(tmpdir());
      expect(await runCli(['token', '-c', config], run.io)).toBe(0);
      const secret = (await readFile(join(dir, 'state', 'token-secret'), 'utf8')).trim();
      await expect(verifyToken(run.out().trim(), secret)).resolves.toBeTruthy();
      const bad = join(dir, 'bad.json');
      await writeFile(bad, '{"functions": [], "nope": 1}');
      const failing = capture(tmpdir());
      expect(await runCli(['token', '-c', bad], failing.io)).toBe(2);
      expect(failing.err()).toContain('unknown field "nope"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('serve banner', () => {
  it('prints a curl example per function kind, at that function’s own URL', () => {
    const style = styleFor(new PassThrough());
    const url = 'http://127.0.0.1:8080';
    const text = describeEndpoints(
      url,
      [
        { name: 'echo', cache: 'default', kind: 'web' },
        { name: 'jobs', cache: 'work', kind: 'spawn' },
      ],
      style,
    );
    expect(text).toContain(`curl -i ${url}/spaces/default/functions/echo/invoke -d 'hello'`);
    expect(text).toContain(`curl -i -X POST ${url}/spaces/work/functions/jobs/spawn -d 'payload'`);
    expect(text).not.toContain('Ada');
    const ready = describeFunctionEvent(
      url,
      { type: 'ready', cache: 'c', name: 'inspect', kind: 'web', entry: 'x.ts', totalMs: 1 },
      style,
    );
    expect(ready).toContain(`curl -i ${url}/spaces/c/functions/inspect/invoke -d 'hello'`);
    expect(ready).not.toContain('Ada');
  });
});
