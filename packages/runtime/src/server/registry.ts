import type { FunctionKind, ServableFunction } from './types.js';

/**
 * A configured function that cannot answer yet: its component is still building (or loading), or
 * its build or load failed. The server answers its routes with 503 (building) or 500 (failed)
 * until a ready version is {@link FunctionRegistry.set | set}.
 */
export interface PendingFunction {
  /** The cache the function will run in. */
  readonly cache: string;
  /** The function's name. */
  readonly name: string;
  /** The entry being built, as shown to users (e.g. `examples/echo/index.ts`). */
  readonly entry: string;
  /** The kind, when the configuration names it (otherwise known only once built). */
  readonly kind?: FunctionKind;
  /** `building` while its component is built or loaded (routes answer 503), `failed` once that failed (500). */
  readonly status: 'building' | 'failed';
  /** When the build was started (`building`) or failed (`failed`), in ms since the epoch. */
  readonly since: number;
  /** Why the build or load failed (`failed` only). */
  readonly error?: string;
}

/** One function as listed by {@link FunctionRegistry.describe}: ready, building or failed. */
export interface FunctionListing {
  /** The cache the function runs in. */
  readonly cache: string;
  /** The function's name. */
  readonly name: string;
  /** Absent while a function whose kind is not configured is building (or failed). */
  readonly kind?: FunctionKind;
  /** `ready` when it serves, `building` while its component is built or loaded, `failed` when that failed. */
  readonly status: 'ready' | 'building' | 'failed';
  /** The build or load error of a failed function. */
  readonly error?: string;
}

interface Entry {
  fn?: ServableFunction;
  pending?: PendingFunction;
  waiters: { resolve(fn: ServableFunction): void; reject(error: Error): void }[];
}

/**
 * The functions a server serves, by cache and name. Replacing an entry is atomic: requests that
 * already hold the old function finish with it, new requests get the new one (this is how
 * `serve --watch` keeps serving the old version until the new one is ready). A function can also
 * be registered before it is loaded ({@link setPending}), so the server can listen while it builds.
 *
 * @example
 * ```ts
 * const registry = new FunctionRegistry([ping]);
 * registry.get('default', 'ping'); // ping
 * ```
 */
export class FunctionRegistry {
  readonly #entries = new Map<string, Entry>();

  /** Creates a registry serving `functions` (default none), each {@link FunctionRegistry.set | set} in order. */
  constructor(functions: Iterable<ServableFunction> = []) {
    for (const fn of functions) this.set(fn);
  }

  #entry(cache: string, name: string, create: true): Entry;
  #entry(cache: string, name: string, create?: false): Entry | undefined;
  #entry(cache: string, name: string, create = false): Entry | undefined {
    const key = `${cache}\u0000${name}`;
    let entry = this.#entries.get(key);
    if (!entry && create) {
      entry = { waiters: [] };
      this.#entries.set(key, entry);
    }
    return entry;
  }

  /** Adds a function, or replaces the one with the same cache and name (a pending state ends). */
  set(fn: ServableFunction): void {
    const entry = this.#entry(fn.cache, fn.name, true);
    entry.fn = fn;
    delete entry.pending;
    for (const waiter of entry.waiters.splice(0)) waiter.resolve(fn);
  }

  /**
   * Records that a function is building or failed to build. While no ready version of it is set,
   * {@link FunctionRegistry.pending} returns this state; a ready version already set keeps serving.
   */
  setPending(pending: PendingFunction): void {
    const entry = this.#entry(pending.cache, pending.name, true);
    entry.pending = pending;
    if (pending.status === 'failed' && !entry.fn) {
      const error = new Error(pending.error ?? `The function ${pending.name} failed to build.`);
      for (const waiter of entry.waiters.splice(0)) waiter.reject(error);
    }
  }

  /** Removes a function (ready or pending). */
  delete(cache: string, name: string): boolean {
    const entry = this.#entry(cache, name);
    if (!entry) return false;
    this.#entries.delete(`${cache}\u0000${name}`);
    const error = new Error(`Function ${name} in cache ${cache} is no longer served.`);
    for (const waiter of entry.waiters.splice(0)) waiter.reject(error);
    return true;
  }

  /** The ready function named `name` in `cache`. */
  get(cache: string, name: string): ServableFunction | undefined {
    return this.#entry(cache, name)?.fn;
  }

  /** Why `cache`/`name` cannot answer yet (building or failed), when no ready version is set. */
  pending(cache: string, name: string): PendingFunction | undefined {
    const entry = this.#entry(cache, name);
    return entry?.fn ? undefined : entry?.pending;
  }

  /**
   * Resolves with the function once a ready version is set (at once when there is one); rejects
   * with the build error when it fails, or when it is not registered at all.
   */
  whenReady(cache: string, name: string): Promise<ServableFunction> {
    const entry = this.#entry(cache, name);
    if (entry?.fn) return Promise.resolve(entry.fn);
    if (!entry?.pending) return Promise.reject(new Error(this.explainMissing(cache, name)));
    if (entry.pending.status === 'failed') {
      return Promise.reject(new Error(entry.pending.error ?? `The function ${name} failed to build.`));
    }
    return new Promise((resolve, reject) => entry.waiters.push({ resolve, reject }));
  }

  /**
   * A stand-in for a function that is still building, whose calls wait until it is ready and
   * then go to it (used for async invocations resumed while their function builds); `undefined`
   * when the function is not building.
   */
  deferred(cache: string, name: string): ServableFunction | undefined {
    const pending = this.pending(cache, name);
    if (pending?.status !== 'building') return undefined;
    const ready = () => this.whenReady(cache, name);
    return {
      cache,
      name,
      kind: pending.kind ?? 'web',
      invoke: async (request) => (await ready()).invoke(request),
      invokeStreaming: async (request) => (await ready()).invokeStreaming(request),
      spawn: async (payload) => (await ready()).spawn(payload),
    };
  }

  /** Every ready function, in the order they were first added. */
  list(): ServableFunction[] {
    const out: ServableFunction[] = [];
    for (const entry of this.#entries.values()) if (entry.fn) out.push(entry.fn);
    return out;
  }

  /** Every function that is building or failed and has no ready version. */
  listPending(): PendingFunction[] {
    const out: PendingFunction[] = [];
    for (const entry of this.#entries.values()) if (!entry.fn && entry.pending) out.push(entry.pending);
    return out;
  }

  /** Every function with its status, in the order they were first added. */
  describe(): FunctionListing[] {
    const out: FunctionListing[] = [];
    for (const entry of this.#entries.values()) {
      if (entry.fn) {
        out.push({ cache: entry.fn.cache, name: entry.fn.name, kind: entry.fn.kind, status: 'ready' });
      } else if (entry.pending) {
        const { cache, name, kind, status, error } = entry.pending;
        out.push({
          cache,
          name,
          status,
          ...(kind ? { kind } : {}),
          ...(error !== undefined ? { error } : {}),
        });
      }
    }
    return out;
  }

  /** Says why `cache`/`name` is not found and where a function of that name does exist. */
  explainMissing(cache: string, name: string): string {
    const all = this.describe();
    const elsewhere = all.filter((fn) => fn.name === name && fn.cache !== cache);
    const hint =
      elsewhere.length > 0
        ? ` A function named ${name} exists in cache(s) ${elsewhere.map((fn) => fn.cache).join(', ')}.`
        : all.length > 0
          ? ` Served functions: ${all.map((fn) => `${fn.cache}/${fn.name}`).join(', ')}.`
          : ' No function is loaded: check the config file or pass --function name=path.';
    return `No function named ${name} in cache ${cache}.${hint}`;
  }
}
