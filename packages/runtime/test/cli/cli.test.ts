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

const throwerEntry = join(repoRoot, 'packages/runtime/test/cli/guests/thrower/thrower.ts');

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

  it('lists --version in the help and prints it', async () => {
    const help = capture();
    await runCli(['--help'], help.io);
    expect(help.out()).toMatch(/-v, --version\s+print the version/);
    const version = capture();
    expect(await runCli(['--version'], version.io)).toBe(0);
    expect(version.out()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('writes every error as "error: <what happened>. <what to do>", in every command', async () => {
    const cases: [string[], number, RegExp][] = [
      [['serv'], 2, /^error: unknown command "serv"\. Did you mean "serve"\?\n/],
      [
        ['frobnicate'],
        2,
        /^error: unknown command "frobnicate"\. Run "momento-functions --help" for the commands\.\n/,
      ],
      [
        ['invoke', '--nope'],
        2,
        /^error: Unknown option '--nope'.*\. Run "momento-functions invoke --help" for its options\.\n$/,
      ],
      [['serve', '--port', 'x'], 2, /^error: --port x is not a port number \(0-65535\)\.\n$/],
      [
        ['token', '--nope'],
        2,
        /^error: Unknown option '--nope'.*\. Run "momento-functions token --help" for its options\.\n$/,
      ],
      [['invoke'], 2, /^error: invoke needs an entry \(\.wasm or \.ts\)\./],
      [
        ['invoke', throwerEntry, '-d', '@no/such/body.json'],
        1,
        /^error: Cannot read the body file .*\. Check the path after @/,
      ],
      [['build', '--nope'], 2, /^error: Unknown option '--nope'/],
      [['build'], 2, /^error: missing the entry file: give the TypeScript file/],
      [['build', 'no/such/entry.ts'], 1, /^error: .*no\/such\/entry\.ts.* does not exist/],
    ];
    for (const [argv, code, message] of cases) {
      const run = capture();
      expect({ argv, code: await runCli(argv, run.io) }).toEqual({ argv, code });
      expect(run.err(), argv.join(' ')).toMatch(message);
    }
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
    expect(run.err()).toBe(
      `error: does/not/exist.ts does not exist. Check the path (relative to ${repoRoot}), or create a project with "momento-functions new <dir>".\n`,
    );
    const wasm = capture();
    expect(await runCli(['invoke', 'dist/missing.wasm', '{}'], wasm.io)).toBe(1);
    expect(wasm.err()).toBe(
      'error: dist/missing.wasm does not exist. Build it first with "momento-functions build <entry.ts> -o dist/missing.wasm" or pass a .ts entry.\n',
    );
  });

  it('maps positions to the source files: console.error stacks in log lines, from a second file', async () => {
    const logged = capture();
    expect(await runCli(['invoke', throwerEntry, '--path', '/log'], logged.io)).toBe(0);
    // The stack the guest logged, two frames in two files, each as the editor names it.
    expect(logged.err()).toMatch(/stackOf@(?:\S*\/)?test\/cli\/guests\/thrower\/deep\.ts:11:10/);
    expect(logged.err()).toMatch(
      /thrower_default\S*@(?:\S*\/)?test\/cli\/guests\/thrower\/thrower\.ts:10:19/,
    );
    expect(logged.err()).not.toMatch(/function\.js:\d|dist\/(?:deep|thrower)\.ts/);
    const thrown = capture();
    expect(await runCli(['invoke', throwerEntry, '--path', '/throw'], thrown.io)).toBe(1);
    expect(thrown.err()).toContain('HTTP 500');
    expect(thrown.out()).toContain('Error("thrown from deep")');
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

  it('serve maps the positions in function log lines to the source files, and prints stage lines without a TTY', async () => {
    const { startServeCommand } = await import('../../src/cli/serve-command.js');
    const stateDir = await mkdtemp(join(repoRoot, 'node_modules', '.cache', 'mf-state-'));
    const run = capture();
    const running = await startServeCommand(
      ['--port', '0', '--state-dir', stateDir, '-f', `thrower=${throwerEntry}`],
      run.io,
    );
    try {
      expect((await running!.ready).failed).toEqual([]);
      // Not a TTY: one plain line per stage of the build and load.
      expect(run.err()).toMatch(/^thrower: bundling .*thrower\.ts$/m);
      expect(run.err()).toMatch(/^loading thrower from .*thrower\.wasm$/m);
      const res = await fetch(`${running!.url}/functions/default/thrower/log`, { method: 'POST' });
      expect(await res.text()).toBe('logged');
      const line = run
        .err()
        .split('\n')
        .find((l) => l.startsWith('[thrower '));
      expect(line).toMatch(/stackOf@(?:\S*\/)?test\/cli\/guests\/thrower\/deep\.ts:11:10$/);
      expect(run.err()).not.toMatch(/function\.js:\d/);
    } finally {
      await running?.close();
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it('stageLines prints each stage of each function once', async () => {
    const { stageLines } = await import('../../src/cli/serve-command.js');
    const out = new PassThrough();
    let text = '';
    out.on('data', (c) => (text += c));
    const print = stageLines(out);
    for (const m of [
      'building a from a.ts',
      'a: bundling a.ts',
      'b: bundling b.ts',
      'a: bundling a.ts',
      'a: componentizing',
      'a: componentizing',
      'b: componentizing',
      'loading a from a.wasm',
    ])
      print(m);
    expect(text.split('\n')).toEqual([
      'building a from a.ts',
      'a: bundling a.ts',
      'b: bundling b.ts',
      'a: componentizing',
      'b: componentizing',
      'loading a from a.wasm',
      '',
    ]);
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
