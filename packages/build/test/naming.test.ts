import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultFunctionName, defaultOutFile } from '../src/naming.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mf-naming-'));
  await mkdir(join(root, 'hello', 'src'), { recursive: true });
  await writeFile(join(root, 'hello', 'package.json'), JSON.stringify({ name: '@acme/greeter-fn' }));
  await mkdir(join(root, 'bare', 'src'), { recursive: true });
});

describe('defaultFunctionName', () => {
  it('names a <project>/src/index.ts entry after the project, never "src"', () => {
    expect(defaultFunctionName(join(root, 'hello', 'src', 'index.ts'))).toBe('greeter-fn');
    expect(defaultFunctionName(join(root, 'bare', 'src', 'index.ts'))).toBe('bare');
  });

  it('names other entries after the file, or the folder of an index file', () => {
    expect(defaultFunctionName(join(root, 'hello', 'src', 'thrower.ts'))).toBe('thrower');
    expect(defaultFunctionName('/x/examples/echo/index.ts')).toBe('echo');
    expect(defaultFunctionName('/x/fns/main.mts')).toBe('fns');
    expect(defaultFunctionName('/x/fns/my greeter!.ts')).toBe('my-greeter-');
  });
});

describe('defaultOutFile', () => {
  it('writes a src/ entry to the project root dist/, anything else to dist/ beside it', () => {
    expect(defaultOutFile(join(root, 'hello', 'src', 'index.ts'))).toBe(
      join(root, 'hello', 'dist', 'greeter-fn.wasm'),
    );
    expect(defaultOutFile('/x/examples/echo/index.ts')).toBe('/x/examples/echo/dist/echo.wasm');
    expect(defaultOutFile('/x/fns/greeter.ts')).toBe('/x/fns/dist/greeter.wasm');
  });
});
