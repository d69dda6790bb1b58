import type { ServableFunction } from './types.js';

/**
 * The functions a server serves, by cache and name. Replacing an entry is atomic: requests that
 * already hold the old function finish with it, new requests get the new one (this is how
 * `serve --watch` keeps serving the old version until the new one is ready).
 *
 * @example
 * ```ts
 * const registry = new FunctionRegistry([ping]);
 * registry.get('default', 'ping'); // ping
 * ```
 */
export class FunctionRegistry {
  readonly #functions = new Map<string, ServableFunction>();

  constructor(functions: Iterable<ServableFunction> = []) {
    for (const fn of functions) this.set(fn);
  }

  /** Adds a function, or replaces the one with the same cache and name. */
  set(fn: ServableFunction): void {
    this.#functions.set(`${fn.cache}\u0000${fn.name}`, fn);
  }

  /** Removes a function. */
  delete(cache: string, name: string): boolean {
    return this.#functions.delete(`${cache}\u0000${name}`);
  }

  /** The function named `name` in `cache`. */
  get(cache: string, name: string): ServableFunction | undefined {
    return this.#functions.get(`${cache}\u0000${name}`);
  }

  /** Every function, in the order they were first added. */
  list(): ServableFunction[] {
    return [...this.#functions.values()];
  }

  /** Says why `cache`/`name` is not found and where a function of that name does exist. */
  explainMissing(cache: string, name: string): string {
    const elsewhere = this.list().filter((fn) => fn.name === name && fn.cache !== cache);
    const hint =
      elsewhere.length > 0
        ? ` A function named ${name} exists in cache(s) ${elsewhere.map((fn) => fn.cache).join(', ')}.`
        : this.#functions.size > 0
          ? ` Served functions: ${this.list()
              .map((fn) => `${fn.cache}/${fn.name}`)
              .join(', ')}.`
          : ' No function is loaded: check the config file or pass --function name=path.';
    return `No function named ${name} in cache ${cache}.${hint}`;
  }
}
