import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository's WIT folder. */
export const witDir = resolve(import.meta.dirname, '../../wit');

let preopened = false;

/** jco's WASI-hosted tools see no files until preview2-shim is given a preopen (in 0.26,
 * `getDirectories()` is `[]` until `_setPreopens` is called, so reading a WIT path fails). */
export async function jco() {
  if (!preopened) {
    const { _setPreopens } = await import('@bytecodealliance/preview2-shim/filesystem');
    // The package's `types` condition resolves to the browser typings; Node's takes a path map.
    _setPreopens({ '/': '/' } as never);
    preopened = true;
  }
  return import('@bytecodealliance/jco');
}

/** Every interface in wit/deps, as `namespace:package/interface@version`, read from the files. */
export async function declaredInterfaces(): Promise<string[]> {
  const { readFile } = await import('node:fs/promises');
  const names: string[] = [];
  for (const pkg of await readdir(join(witDir, 'deps'))) {
    for (const file of await readdir(join(witDir, 'deps', pkg))) {
      const text = await readFile(join(witDir, 'deps', pkg, file), 'utf8');
      const [, ns, name, version] = text.match(/^package ([\w-]+):([\w-]+)@([\d.]+);/m) ?? [];
      for (const [, iface] of text.matchAll(/^interface ([\w-]+) \{/gm)) {
        names.push(`${ns}:${name}/${iface}@${version}`);
      }
    }
  }
  return names.sort();
}

/**
 * Resolves wit/ with the real tooling: a world importing every interface of wit/deps is
 * embedded into a dummy core module, made a component and printed as WAT.
 */
export async function resolveAllInterfaces(): Promise<string> {
  const { componentEmbed, componentNew, print } = await jco();
  const dir = await mkdtemp(join(tmpdir(), 'wit-check-'));
  try {
    await cp(join(witDir, 'deps'), join(dir, 'deps'), { recursive: true });
    const imports = (await declaredInterfaces()).map((i) => `  import ${i};`).join('\n');
    await writeFile(
      join(dir, 'check.wit'),
      `package momento-ts:check@1.0.0;\n\nworld everything {\n${imports}\n}\n`,
    );
    const core = await componentEmbed({
      dummy: true,
      witPath: dir,
      world: 'momento-ts:check/everything@1.0.0',
    });
    return await print(await componentNew(core));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
