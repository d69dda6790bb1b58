import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  defaultFunctions,
  loadConfigFile,
  parseFunctionFlag,
  validateConfig,
} from '../../src/server/config.js';
import { repoRoot } from './e2e-setup.js';

describe('config', () => {
  it('resolves entries against the file, applies the default cache, and keeps env and kind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mf-config-'));
    const file = join(dir, 'momento-functions.json');
    await writeFile(
      file,
      JSON.stringify({
        cache: 'shop',
        functions: [
          { name: 'a', entry: 'a.wasm', env: { K: 'v' } },
          { name: 'b', entry: 'src/b.ts', kind: 'spawn', cache: 'jobs' },
        ],
      }),
    );
    const config = loadConfigFile(file);
    expect(config.functions).toEqual([
      { name: 'a', entry: join(dir, 'a.wasm'), cache: 'shop', env: { K: 'v' } },
      { name: 'b', entry: join(dir, 'src/b.ts'), cache: 'jobs', kind: 'spawn' },
    ]);
    expect(config.stateDir).toBe(join(dir, '.momento-functions'));
  });

  it('names the field that is wrong', () => {
    expect(() => validateConfig({ functions: [{ name: 'a' }] }, '/', 'f.json')).toThrow(
      /functions\[0\]\.entry/,
    );
    expect(() => validateConfig({ functions: [], colour: 1 }, '/', 'f.json')).toThrow(
      /unknown field "colour"/,
    );
    expect(() => validateConfig({ functions: [{ name: 'a', entry: 'x', kind: 'cron' }] }, '/')).toThrow(
      ConfigError,
    );
    expect(() =>
      validateConfig(
        {
          functions: [
            { name: 'a', entry: 'x' },
            { name: 'a', entry: 'y' },
          ],
        },
        '/',
      ),
    ).toThrow(/default\/a is configured twice/);
  });

  it('parses --function flags', () => {
    expect(parseFunctionFlag('ping=p.wasm', '/w')).toEqual({
      name: 'ping',
      cache: 'default',
      entry: '/w/p.wasm',
    });
    expect(parseFunctionFlag('c/ping=p.ts', '/w')).toEqual({ name: 'ping', cache: 'c', entry: '/w/p.ts' });
    expect(() => parseFunctionFlag('ping', '/w')).toThrow(/name=path/);
  });

  it('defaults to every example of the repository', () => {
    const names = defaultFunctions(repoRoot).map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['echo', 'json-greeter', 'ping', 'spawn-json']));
    expect(defaultFunctions(join(repoRoot, 'examples', 'ping'))).toEqual([
      { name: 'ping', cache: 'default', entry: join(repoRoot, 'examples', 'ping', 'index.ts') },
    ]);
  });
});
