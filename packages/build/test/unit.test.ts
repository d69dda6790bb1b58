import { describe, expect, it } from 'vitest';
import { scanUsage } from '../src/bundle.js';
import { runBuildCommand } from '../src/cli.js';
import { explainComponentizeFailure, isDeterministicFailure } from '../src/componentize.js';
import { renderEntry } from '../src/entry.js';
import { parseWorldInterfaces } from '../src/inspect.js';
import { knownInterfaces, readWitDeps, renderWorld, resolveWitDir, worldImports } from '../src/wit.js';

describe('scanUsage', () => {
  it('finds real uses of console and randomness, not comments, strings or shadowed names', async () => {
    expect(
      await scanUsage('/** console.log(1); Math.random() */ const s = "console.log"; export {s};'),
    ).toEqual({
      console: false,
      randomness: [],
    });
    expect(await scanUsage('function f(console){ console.log(1) } export {f};')).toEqual({
      console: false,
      randomness: [],
    });
    expect(
      await scanUsage(
        'export const a = () => { console.warn(Math.random(), crypto.getRandomValues(new Uint8Array(1)), globalThis.crypto.randomUUID()); };',
      ),
    ).toEqual({ console: true, randomness: ['Math.random', 'crypto.getRandomValues', 'crypto.randomUUID'] });
  });
});

describe('world', () => {
  const known = knownInterfaces(readWitDeps(resolveWitDir()));

  it('knows every Momento interface in wit/deps', () => {
    expect(known.has('momento:cache-scalar/cache-scalar@1.0.0')).toBe(true);
    expect(known.has('momento:log/logging@1.0.0')).toBe(true);
    expect(known.has('wasi:cli/environment@0.2.3')).toBe(true);
  });

  it('keeps exactly the imported interfaces, sorted, without environment', () => {
    expect(
      worldImports(
        ['momento:log/logging@1.0.0', 'wasi:cli/environment@0.2.3', 'momento:bytes/bytes@1.0.0'],
        known,
      ),
    ).toEqual(['momento:bytes/bytes@1.0.0', 'momento:log/logging@1.0.0']);
  });

  it('rejects unversioned, unknown, export-side and non-environment WASI imports with advice', () => {
    expect(() => worldImports(['momento:log/logging'], known)).toThrow(
      /Import it with its version: 'momento:log\/logging@1\.0\.0'/,
    );
    expect(() => worldImports(['momento:nope/nope@1.0.0'], known)).toThrow(/not a Momento host interface/);
    expect(() => worldImports(['momento:web-function/guest-function-web@1.0.0'], known)).toThrow(
      /an interface a function exports/,
    );
    expect(() => worldImports(['wasi:random/random@0.2.3'], known)).toThrow(
      /Only 'wasi:cli\/environment@0\.2\.3'.*randomness come with the engine/,
    );
  });

  it('refuses web-function imports in a spawn function', () => {
    expect(() => worldImports(['momento:web-function/web-function-support@1.0.0'], known, 'spawn')).toThrow(
      /a spawn function has no HTTP request/,
    );
    expect(worldImports(['momento:web-function/web-function-support@1.0.0'], known, 'web')).toEqual([
      'momento:web-function/web-function-support@1.0.0',
    ]);
  });

  it('renders the world with the export of the kind', () => {
    const w = renderWorld('spawn', ['momento:bytes/bytes@1.0.0']);
    expect(w).toContain('import momento:bytes/bytes@1.0.0;');
    expect(w).toContain('import wasi:cli/environment@0.2.3;');
    expect(w).toContain('export momento:spawn-function/guest-function-spawn@1.0.0;');
    expect(w).not.toContain('guest-function-web');
  });
});

describe('entry', () => {
  it('exports the default export under the Momento name and checks its kind', () => {
    const e = renderEntry('web', 'src/index.ts', false);
    expect(e).toContain("import fn from './function.js';");
    expect(e).toContain('export const guestFunctionWeb = fn;');
    expect(e).toContain("fn.kind !== 'web'");
    const s = renderEntry('spawn', 'src/index.ts', true);
    expect(s).toContain("import { markLive } from './console.js';");
    expect(s).toContain('export const guestFunctionSpawn = {');
    expect(s).toContain('return fn.spawned(arg);');
  });
});

describe('componentize failures (texts as componentize-js 0.23 reports them)', () => {
  const hostCall =
    "Failed to initialize component (wizer (/x/wizer)):\nError: the `componentize.wizer` function trapped\n\nCaused by:\n    1: Error: attempted to call an unknown imported function: 'momento:cache-scalar/cache-scalar@1.0.0' 'get'\n       \n       You cannot call arbitrary imported functions during Wizer initialization.\n";
  const random =
    "Caused by:\n    1: Error: attempted to call an unknown imported function: 'wasi:random/random@0.2.10' 'get-random-u64'\n";
  const topThrow =
    'Failed to initialize component (wizer (/x/wizer)):\nException while evaluating top-level script\nfunction.js:3:30 Error: boom\nStack:\n  @function.js:3:30';

  it('explains a host call at top level', () => {
    expect(explainComponentizeFailure(hostCall, 'src/a.ts').message).toMatch(
      /'momento:cache-scalar\/cache-scalar@1\.0\.0#get' is called at module top level.*Move this call into the handler/s,
    );
    expect(isDeterministicFailure(hostCall)).toBe(true);
  });

  it('explains randomness at top level (Math.random, crypto.getRandomValues, crypto.randomUUID)', () => {
    for (const text of [random, random.replace('get-random-u64', 'get-random-bytes')]) {
      const message = explainComponentizeFailure(text, 'src/a.ts').message;
      expect(message).toMatch(
        /Math\.random\(\), crypto\.getRandomValues\(\) or crypto\.randomUUID\(\) is called at module top level \(wasi:random\/random 'get-random-(u64|bytes)'\)/,
      );
      expect(message).toMatch(/same in every invocation.*Move the call into the handler/s);
      expect(message).not.toMatch(/docs\//);
    }
    expect(isDeterministicFailure(random)).toBe(true);
  });

  it('explains an exception thrown by top-level code', () => {
    expect(explainComponentizeFailure(topThrow, 'src/a.ts').message).toMatch(
      /top-level code threw .*function\.js:3:30 Error: boom/s,
    );
  });

  it('passes unknown failures through, and does not cache them', () => {
    expect(explainComponentizeFailure('out of memory', 'src/a.ts').message).toMatch(
      /componentize-js:\nout of memory/,
    );
    expect(isDeterministicFailure('out of memory')).toBe(false);
  });
});

describe('parseWorldInterfaces', () => {
  it('reads import and export lines of componentWit output', () => {
    const wit =
      'package root:component;\n\nworld root {\n  import momento:bytes/bytes@1.0.0;\n  import wasi:io/poll@0.2.12;\n\n  export momento:web-function/guest-function-web@1.0.0;\n}\n';
    expect(parseWorldInterfaces(wit)).toEqual({
      imports: ['momento:bytes/bytes@1.0.0', 'wasi:io/poll@0.2.12'],
      exports: ['momento:web-function/guest-function-web@1.0.0'],
    });
  });
});

describe('runBuildCommand', () => {
  it('prints usage and exits 2 on bad arguments', async () => {
    let err = '';
    expect(await runBuildCommand([], { stderr: (t) => (err += t) })).toBe(2);
    expect(err).toMatch(/^error: missing the entry file/);
    err = '';
    expect(await runBuildCommand(['a.ts', '--kind', 'x'], { stderr: (t) => (err += t) })).toBe(2);
    expect(err).toMatch(/^error: --kind must be 'web' or 'spawn'/);
    expect(await runBuildCommand(['a.ts', '--bogus'], { stderr: () => {} })).toBe(2);
  });

  it('exits 1 with the build error', async () => {
    let err = '';
    expect(await runBuildCommand(['does-not-exist.ts'], { stderr: (t) => (err += t) })).toBe(1);
    expect(err).toMatch(/^error: The entry does-not-exist\.ts does not exist/);
  });

  it('prints help', async () => {
    let out = '';
    expect(await runBuildCommand(['--help'], { stdout: (t) => (out += t) })).toBe(0);
    expect(out).toMatch(/Usage: momento-functions build <entry\.ts>/);
  });
});

describe('source maps', () => {
  it('maps a generated position back to the TypeScript source', async () => {
    const { bundle } = await import('../src/bundle.js');
    const { originalPosition } = await import('../src/sourcemap.js');
    const { resolve } = await import('node:path');
    const b = await bundle(
      resolve(import.meta.dirname, 'fixtures/top-level-throw.ts'),
      resolve(import.meta.dirname, '..'),
    );
    const lines = b.code.split('\n');
    const line = lines.findIndex((l) => l.includes('config is missing')) + 1;
    const column = lines[line - 1]!.indexOf('throw') + 1;
    expect(originalPosition(b.sourceMap, line, column)).toEqual({
      source: 'test/fixtures/top-level-throw.ts',
      line: 3,
      column: 3,
    });
  });
});

describe('kind detection', () => {
  it('a web function that spawns (guest-spawn without spawn()) is still a web function', async () => {
    const { bundle, detectKind } = await import('../src/bundle.js');
    const { resolve } = await import('node:path');
    const entry = resolve(import.meta.dirname, 'fixtures/web-that-spawns.ts');
    const projectDir = resolve(import.meta.dirname, '..');
    const b = await bundle(entry, projectDir);
    expect(b.packages.has('@momento-functions/guest-spawn')).toBe(true);
    expect([...b.kinds]).toEqual(['web']);
    expect(detectKind(entry, projectDir, b)).toBe('web');
    expect(b.hostImports).toContain('momento:spawn/spawn@1.0.0');
  });
});
