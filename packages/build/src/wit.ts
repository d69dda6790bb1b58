import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BuildError } from './errors.js';

/**
 * Which Momento export a component carries.
 *
 * @example
 * ```ts
 * await build({ entry: 'src/index.ts', kind: 'spawn' satisfies FunctionKind });
 * ```
 */
export type FunctionKind = 'web' | 'spawn';

/**
 * The exported interface of each function kind (`wit/deps/web-function`, `wit/deps/spawn-function`).
 *
 * @example
 * ```ts
 * EXPORTED_INTERFACE.web; // 'momento:web-function/guest-function-web@1.0.0'
 * ```
 */
export const EXPORTED_INTERFACE: Record<FunctionKind, string> = {
  web: 'momento:web-function/guest-function-web@1.0.0',
  spawn: 'momento:spawn-function/guest-function-spawn@1.0.0',
};

/** The one WASI interface the world imports on purpose, so configuration (env vars) can be read. */
export const ENVIRONMENT_INTERFACE = 'wasi:cli/environment@0.2.3';

/**
 * The other WASI interfaces a function may import directly, and only when its code does: the
 * monotonic clock's `subscribe-duration` pollable and its `block`, which is how `sleep()` of
 * guest-web/guest-spawn blocks (as Rust's `std::thread::sleep` does on wasip2). Both are served
 * by the platform (componentize-js's engine imports them anyway).
 */
export const DIRECT_WASI_IMPORTS = ['wasi:clocks/monotonic-clock@0.2.3', 'wasi:io/poll@0.2.3'];

/**
 * The WASI interfaces the real platform supports and a TS function uses on purpose: configuration,
 * the clocks (`Date.now()`, `performance.now()`) and randomness (`Math.random()`, `crypto`).
 */
export const SUPPORTED_WASI = [
  'wasi:cli/environment',
  'wasi:clocks/wall-clock',
  'wasi:clocks/monotonic-clock',
  'wasi:random/random',
];

/**
 * Find the WIT folder (one holding `deps/<package>/*.wit`). The published package carries a copy in
 * `<package>/wit` (made by `scripts/copy-wit.mjs` before tsup runs); inside the repository, running
 * from `src/`, the repository's own `wit/` is used. An explicit folder wins.
 */
export function resolveWitDir(explicit?: string): string {
  if (explicit !== undefined) {
    const dir = resolve(explicit);
    if (!existsSync(join(dir, 'deps', 'bytes'))) {
      throw new BuildError(
        `The WIT folder ${dir} has no deps/bytes/ package. Pass a folder laid out like the repository's wit/ (deps/<package>/<package>.wit).`,
      );
    }
    return dir;
  }
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'wit');
    if (existsSync(join(candidate, 'deps', 'bytes'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new BuildError(
    'Cannot find the Momento WIT files that @momento-functions/build ships (expected <package>/wit/deps). Reinstall @momento-functions/build, or pass `witDir`.',
  );
}

/** Every `*.wit` file below `deps/`, sorted, with its content (for hashing and copying). */
export function readWitDeps(witDir: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const deps = join(witDir, 'deps');
  for (const pkg of readdirSync(deps).sort()) {
    const pkgDir = join(deps, pkg);
    if (!statSync(pkgDir).isDirectory()) continue;
    for (const file of readdirSync(pkgDir).sort()) {
      if (file.endsWith('.wit'))
        out.push({ path: `${pkg}/${file}`, text: readFileSync(join(pkgDir, file), 'utf8') });
    }
  }
  return out;
}

/**
 * The fully qualified interface names (`ns:pkg/iface@version`) the WIT deps declare.
 * A light parse: `package ns:pkg@ver;` then every `interface name {`.
 */
export function knownInterfaces(deps: { text: string }[]): Set<string> {
  const names = new Set<string>();
  for (const { text } of deps) {
    const pkg = /^\s*package\s+([a-z0-9-]+:[a-z0-9-]+)@([^;\s]+)\s*;/m.exec(text);
    if (!pkg) continue;
    for (const m of text.matchAll(/^\s*interface\s+([a-z0-9-]+)\s*\{/gm)) {
      names.add(`${pkg[1]}/${m[1]}@${pkg[2]}`);
    }
  }
  return names;
}

/**
 * Check the `momento:*` / `wasi:*` module specifiers a bundle imports and return the interfaces the
 * component's world must import (sorted, without the always-added environment interface).
 */
export function worldImports(
  specifiers: Iterable<string>,
  known: Set<string>,
  kind?: FunctionKind,
): string[] {
  const out = new Set<string>();
  for (const spec of specifiers) {
    if (kind === 'spawn' && spec.startsWith('momento:web-function/')) {
      throw new BuildError(
        `This spawn function imports '${spec}', but a spawn function has no HTTP request: the platform's spawn world imports no web-function interface. Remove the use of web() helpers such as environment() and read configuration from environment variables instead.`,
      );
    }
    if (spec.startsWith('wasi:')) {
      if (spec === ENVIRONMENT_INTERFACE) continue;
      if (DIRECT_WASI_IMPORTS.includes(spec)) {
        out.add(spec);
        continue;
      }
      throw new BuildError(
        `The function imports '${spec}'. Only '${ENVIRONMENT_INTERFACE}' (and, for sleep(), ${DIRECT_WASI_IMPORTS.map((i) => `'${i}'`).join(' and ')}) may be imported directly: clocks and randomness come with the engine (use Date.now() / performance.now(), and Math.random() / crypto.getRandomValues() / crypto.randomUUID()), and the real platform rejects most other WASI interfaces at upload.`,
      );
    }
    if (!known.has(spec)) {
      const unversioned = [...known].find((k) => k.replace(/@[^@]+$/, '') === spec);
      const hint = unversioned
        ? `Import it with its version: '${unversioned}'.`
        : `Known Momento interfaces: ${[...known].filter((k) => k.startsWith('momento:')).join(', ')}.`;
      throw new BuildError(`The function imports '${spec}', which is not a Momento host interface. ${hint}`);
    }
    if (spec === EXPORTED_INTERFACE.web || spec === EXPORTED_INTERFACE.spawn) {
      throw new BuildError(
        `The function imports '${spec}', which is an interface a function exports, not one the host provides.`,
      );
    }
    out.add(spec);
  }
  return [...out].sort();
}

/** The WIT text of the component's world: exactly these imports, environment, and the kind's export. */
export function renderWorld(kind: FunctionKind, imports: string[]): string {
  const lines = [
    '// Generated by @momento-functions/build: the imports are exactly the host interfaces the',
    '// bundle imports, plus wasi:cli/environment for configuration.',
    'package momento-functions:build@1.0.0;',
    '',
    'world function {',
    ...imports.map((i) => `  import ${i};`),
    `  import ${ENVIRONMENT_INTERFACE};`,
    `  export ${EXPORTED_INTERFACE[kind]};`,
    '}',
    '',
  ];
  return lines.join('\n');
}
