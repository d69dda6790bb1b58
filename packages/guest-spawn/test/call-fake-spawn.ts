// `momento:spawn/spawn@1.0.0` in unit tests: records each call and answers like componentize-js
// does (returns undefined for ok, throws an Error carrying the WIT error as `payload` for err).
export const spawnCalls: { name: string; data: Uint8Array }[] = [];
let nextError: unknown;
let nextThrow: unknown;

/** The next call answers `err(error)`. */
export function failNextSpawn(error: unknown): void {
  nextError = error;
}

/** The next call throws this value as is (a trap-like failure, not a WIT err). */
export function throwNextSpawn(value: unknown): void {
  nextThrow = value;
}

export function resetSpawn(): void {
  spawnCalls.length = 0;
  nextError = undefined;
  nextThrow = undefined;
}

class ComponentError extends Error {
  readonly payload: unknown;
  constructor(payload: unknown) {
    super(`${String(payload)} (see error.payload)`);
    this.payload = payload;
  }
}

export function spawnFunction(name: string, data: Uint8Array): void {
  if (!(data instanceof Uint8Array)) throw new TypeError('spawn-function data must be a Uint8Array');
  spawnCalls.push({ name, data: data.slice() });
  if (nextThrow !== undefined) {
    const value = nextThrow;
    nextThrow = undefined;
    throw value;
  }
  if (nextError !== undefined) {
    const error = nextError;
    nextError = undefined;
    throw new ComponentError(error);
  }
}
