import { describe, expect, it } from 'vitest';
import { interfaceShapes } from './component-types.js';
import { declaredInterfaces, jco, resolveAllInterfaces, witDir } from './load-wit.js';
import { referenceSignatures } from './reference-signatures.js';

describe('wit/ — the contract', () => {
  it('declares exactly the sixteen Momento packages of the upstream crates', async () => {
    const packages = new Set((await declaredInterfaces()).map((i) => i.split('/')[0]));
    expect([...packages].filter((p) => p?.startsWith('momento:')).sort()).toEqual(
      [
        'aws-auth',
        'aws-ddb',
        'aws-lambda',
        'aws-s3',
        'aws-secrets',
        'bytes',
        'cache-list',
        'cache-scalar',
        'http',
        'log',
        'spawn',
        'spawn-function',
        'token',
        'topic',
        'valkey',
        'web-function',
      ].map((p) => `momento:${p}`),
    );
  });

  it('loads with jco: every world in wit/worlds.wit resolves', async () => {
    const { types } = await jco();
    for (const world of ['host-services', 'web-function-full', 'spawn-function-full']) {
      const files = await types(witDir, { worldName: `momento-ts:worlds/${world}@1.0.0`, guest: true });
      expect(Object.keys(files).length, world).toBeGreaterThan(10);
    }
  });

  it('matches the reference signature table, interface by interface', async () => {
    const shapes = interfaceShapes(await resolveAllInterfaces());
    const momento = Object.fromEntries(
      Object.entries(shapes).filter(([name]) => name.startsWith('momento:')),
    );
    expect(Object.keys(momento).sort()).toEqual(Object.keys(referenceSignatures).sort());
    for (const [name, expected] of Object.entries(referenceSignatures)) {
      expect(momento[name], name).toEqual(expected);
    }
  });

  it('fails loudly on a WIT parse error (the check is not vacuous)', async () => {
    const { types } = await jco();
    const { mkdtemp, cp, writeFile, rm } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'wit-broken-'));
    try {
      await cp(witDir, dir, { recursive: true });
      await writeFile(
        join(dir, 'deps', 'bytes', 'bytes.wit'),
        'package momento:bytes@1.0.0;\ninterface bytes { oops }\n',
      );
      await expect(
        types(dir, { worldName: 'momento-ts:worlds/host-services@1.0.0', guest: true }),
      ).rejects.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
