/**
 * The interfaces a component imports and exports, read from the component itself.
 *
 * @example
 * ```ts
 * const { exports } = await inspectComponent(bytes); // ['momento:web-function/guest-function-web@1.0.0']
 * ```
 */
export interface ComponentInterfaces {
  /** Every interface the component imports, versioned as in its world (e.g. `momento:cache-scalar/cache-scalar@1.0.0`, `wasi:clocks/wall-clock@0.2.3`). */
  imports: string[];
  /** Every interface the component exports, e.g. `momento:web-function/guest-function-web@1.0.0`. */
  exports: string[];
}

/** Parse the `import x;` / `export x;` lines of the world jco's `componentWit` prints. */
export function parseWorldInterfaces(wit: string): ComponentInterfaces {
  const imports: string[] = [];
  const exports: string[] = [];
  for (const m of wit.matchAll(/^\s*(import|export)\s+([^\s;{]+)\s*;/gm)) {
    (m[1] === 'import' ? imports : exports).push(m[2]!);
  }
  return { imports, exports };
}

/**
 * Read a component's imports and exports (through jco's `componentWit`, i.e. wasm-tools).
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * import { inspectComponent } from '@momento-functions/build';
 * const { imports, exports } = await inspectComponent(await readFile('dist/ping.wasm'));
 * ```
 */
export async function inspectComponent(bytes: Uint8Array): Promise<ComponentInterfaces> {
  const { componentWit } = await import('@bytecodealliance/jco');
  return parseWorldInterfaces(await componentWit(bytes));
}
