/**
 * The CLI in-process (runCli with captured streams), against real components in the real host.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { scaffoldFiles } from '@momento-functions/create';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { assertGuestPackagesBuilt, inspectEntry, repoRoot } from '../server/e2e-setup.js';

function capture(stdinText = '') {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  stdin.end(stdinText);
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  return {
    io: { stdout, stderr, stdin, cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' } },
    out: () => out,
    err: () => err,
  };
}

describe('momento-functions (no command, help, typos)', () => {
  it('prints usage, per-command help, and suggests the closest command', async () => {
    const help = capture();
    expect(await runCli(['--help'], help.io)).toBe(0);
    expect(help.out()).toContain('Commands:');
    const serveHelp = capture();
    expect(await runCli(['serve', '--help'], serveHelp.io)).toBe(0);
    expect(serveHelp.out()).toContain('--watch');
    const typo = capture();
    expect(await runCli(['serv'], typo.io)).toBe(2);
    expect(typo.err()).toContain('Did you mean "serve"?');
    const badFlag = capture();
    expect(await runCli(['invoke', '--nope'], badFlag.io)).toBe(2);
    expect(badFlag.err()).toContain('momento-functions invoke --help');
    expect(badFlag.err()).not.toContain('\u001b[');
  });
});

describe('momento-functions invoke', () => {
  it('prints status and headers to stderr and the body to stdout; query, headers, path, body from a file', async () => {
    assertGuestPackagesBuilt();
    const dir = await mkdtemp(join(repoRoot, 'node_modules', '.cache', 'mf-cli-'));
    await writeFile(join(dir, 'body.txt'), 'from a file');
    const run = capture();
    const code = await runCli(
      [
        'invoke',
        inspectEntry,
        '-d',
        `@${join(dir, 'body.txt')}`,
        '-X',
        'PATCH',
        '--path',
        '/x/y',
        '--query',
        'q=1',
        '-H',
        'X-Test: yes',
        '--token-metadata',
        'tok-1',
      ],
      run.io,
    );
    expect(code).toBe(0);
    expect(run.err()).toContain('HTTP 200');
    expect(run.err()).toContain('content-type: application/json');
    expect(JSON.parse(run.out())).toMatchObject({
      method: 'PATCH',
      path: 'x/y',
      query: [['q', '1']],
      body: 'from a file',
      tokenMetadata: 'tok-1',
    });
    expect(JSON.parse(run.out()).headers).toContainEqual(['x-test', 'yes']);
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the body from stdin with -d -, and --json prints one object', async () => {
    const run = capture('piped in');
    expect(await runCli(['invoke', inspectEntry, '-d', '-', '--json'], run.io)).toBe(0);
    const printed = JSON.parse(run.out());
    expect(printed.status).toBe(200);
    expect(JSON.parse(printed.body).body).toBe('piped in');
  });

  it('shows an uncaught guest error (500, the error text), exit code 1', async () => {
    const run = capture();
    expect(await runCli(['invoke', inspectEntry, '--path', '/throw'], run.io)).toBe(1);
    expect(run.err()).toContain('HTTP 500');
    expect(run.out()).toContain('kaboom from the inspect guest');
  });

  it('runs a spawn function and prints its outcome', async () => {
    const ok = capture();
    expect(
      await runCli(['invoke', join(repoRoot, 'examples/spawn-json/index.ts'), '{"_name":"Ada"}'], ok.io),
    ).toBe(0);
    expect(ok.out().trim()).toBe('ok');
    const bad = capture();
    expect(await runCli(['invoke', join(repoRoot, 'examples/spawn-json/index.ts'), 'nope'], bad.io)).toBe(1);
    expect(bad.out()).toContain('failed-note: Failed to extract spawn payload');
  });

  it('says what to do when the entry is missing', async () => {
    const run = capture();
    expect(await runCli(['invoke', 'does/not/exist.ts'], run.io)).toBe(1);
    expect(run.err()).toContain('Could not load does/not/exist.ts');
  });
});

describe('momento-functions serve, token, dead-letters', () => {
  it('serves --function entries with curl lines, and stops on close', async () => {
    const { startServeCommand } = await import('../../src/cli/serve-command.js');
    const stateDir = await mkdtemp(join(repoRoot, 'node_modules', '.cache', 'mf-state-'));
    const run = capture();
    const running = await startServeCommand(
      [
        ...['--port', '0', '--quiet', '--state-dir', stateDir],
        ...['-f', 'ping=examples/ping/index.ts', '-f', 'json-greeter=examples/json-greeter/index.ts'],
      ],
      run.io,
    );
    try {
      // The server listens at once; the functions build behind it.
      expect((await running!.ready).failed).toEqual([]);
      expect(run.out()).toContain('/spaces/default/functions/ping/invoke');
      expect(run.out()).toMatch(
        /curl -i http:\/\/127\.0\.0\.1:\d+\/spaces\/default\/functions\/json-greeter\/invoke/,
      );
      const res = await fetch(`${running!.url}/spaces/default/functions/json-greeter/invoke`, {
        method: 'POST',
        body: '{"name":"Ada"}',
      });
      expect(await res.json()).toEqual({ message: 'Hello, Ada!' });
    } finally {
      await running?.close();
    }
    const letters = capture();
    expect(await runCli(['dead-letters', '--state-dir', stateDir], letters.io)).toBe(0);
    expect(letters.out()).toContain('No dead letters');
    await rm(stateDir, { recursive: true, force: true });
  });

  it('token prints a token signed with the state directory key', async () => {
    const stateDir = await mkdtemp(join(repoRoot, 'node_modules', '.cache', 'mf-state-'));
    const run = capture();
    expect(
      await runCli(['token', '--function', 'ping', '--token-id', 'me', '--state-dir', stateDir], run.io),
    ).toBe(0);
    const { verifyToken } = await import('../../src/services/token/index.js');
    const secret = (await readFile(join(stateDir, 'token-secret'), 'utf8')).trim();
    const verified = await verifyToken(run.out().trim(), secret);
    expect(verified.tokenId).toBe('me');
    await rm(stateDir, { recursive: true, force: true });
  });
});

describe('momento-functions new', () => {
  it('scaffolds a project whose files reference the right packages', async () => {
    const dir = await mkdtemp(join(repoRoot, 'node_modules', '.cache', 'mf-new-'));
    const run = capture();
    expect(await runCli(['new', join(dir, 'hello')], run.io)).toBe(0);
    expect(run.out()).toContain('Created web function hello');
    for (const file of Object.keys(scaffoldFiles({ name: 'hello', kind: 'web', version: '0.1.0' }))) {
      expect(existsSync(join(dir, 'hello', file))).toBe(true);
    }
    const again = capture();
    expect(await runCli(['new', join(dir, 'hello')], again.io)).toBe(1);
    expect(again.err()).toContain('--force');
    await rm(dir, { recursive: true, force: true });
  });
});
