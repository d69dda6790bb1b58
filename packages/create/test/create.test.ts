import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProject, functionNameFrom, runCreate, scaffoldFiles, toolkitVersion } from '../src/index.js';

let cwd: string;

beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'mf-create-'));
});
afterEach(() => rm(cwd, { recursive: true, force: true }));

function capture() {
  let out = '';
  let err = '';
  return {
    io: { stdout: (t: string) => (out += t), stderr: (t: string) => (err += t), cwd },
    out: () => out,
    err: () => err,
  };
}

describe('createProject', () => {
  it('writes a web project named after its folder that depends on this release', async () => {
    const project = await createProject({ directory: 'My Fn', cwd });
    expect(project).toMatchObject({ dir: join(cwd, 'My Fn'), name: 'my-fn', kind: 'web' });
    const pkg = JSON.parse(await readFile(join(project.dir, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('my-fn');
    expect(pkg.scripts.build).toBe('momento-functions build src/index.ts');
    expect(pkg.dependencies).toEqual({
      '@momento-functions/bytes': `^${toolkitVersion()}`,
      '@momento-functions/guest-web': `^${toolkitVersion()}`,
    });
    // Everything the test and the tsconfig need is declared.
    expect(Object.keys(pkg.devDependencies).sort()).toEqual([
      '@momento-functions/build',
      '@momento-functions/runtime',
      '@types/node',
      'typescript',
      'vitest',
    ]);
    expect(await readFile(join(project.dir, 'README.md'), 'utf8')).toContain('writes dist/my-fn.wasm');
    expect(await readFile(join(project.dir, '.gitignore'), 'utf8')).toContain('dist/');
    expect(await readFile(join(project.dir, 'test/index.test.ts'), 'utf8')).toContain(
      "host.load('src/index.ts')",
    );
  });

  it('writes a spawn project with guest-spawn', async () => {
    const project = await createProject({ directory: 'worker', kind: 'spawn', cwd, version: '9.9.9' });
    const pkg = JSON.parse(await readFile(join(project.dir, 'package.json'), 'utf8'));
    expect(pkg.dependencies['@momento-functions/guest-spawn']).toBe('^9.9.9');
    expect(await readFile(join(project.dir, 'src/index.ts'), 'utf8')).toContain(
      "from '@momento-functions/guest-spawn'",
    );
  });

  it('refuses a folder that is not empty unless forced, and keeps its files', async () => {
    await createProject({ directory: 'taken', cwd });
    await writeFile(join(cwd, 'taken', 'mine.txt'), 'keep me');
    await expect(createProject({ directory: 'taken', cwd })).rejects.toThrow(/is not empty.*--force/);
    await createProject({ directory: 'taken', cwd, force: true });
    expect(await readFile(join(cwd, 'taken', 'mine.txt'), 'utf8')).toBe('keep me');
  });

  it('rejects names that cannot name a function', () => {
    expect(functionNameFrom('Hello World')).toBe('hello-world');
    expect(() => functionNameFrom('-x')).toThrow(/start with a letter or digit/);
  });

  it('lists every file it writes', () => {
    expect(Object.keys(scaffoldFiles({ name: 'a', kind: 'web', version: '1.0.0' })).sort()).toEqual([
      '.gitignore',
      'README.md',
      'momento-functions.json',
      'package.json',
      'src/index.ts',
      'test/index.test.ts',
      'tsconfig.json',
      'vitest.config.ts',
    ]);
  });
});

describe('runCreate (npm create @momento-functions)', () => {
  it('creates the project and prints the next steps', async () => {
    const c = capture();
    expect(await runCreate(['hello'], c.io)).toBe(0);
    expect(c.out()).toContain('cd hello\n  npm install\n  npm test');
    expect(c.out()).toContain('dist/hello.wasm');
  });

  it('answers 2 with the usage for missing or wrong arguments', async () => {
    const none = capture();
    expect(await runCreate([], none.io)).toBe(2);
    expect(none.err()).toContain('give one directory');
    const kind = capture();
    expect(await runCreate(['x', '--kind', 'cron'], kind.io)).toBe(2);
    expect(kind.err()).toBe('error: the kind must be web or spawn, not cron.\n');
    const flag = capture();
    expect(await runCreate(['x', '--colour'], flag.io)).toBe(2);
    expect(flag.err()).toContain('--help');
  });

  it('prints its help', async () => {
    const c = capture();
    expect(await runCreate(['--help'], c.io)).toBe(0);
    expect(c.out()).toContain('npm create @momento-functions <directory>');
  });
});
