/**
 * Warming the host-side glue of a fresh instance without running any guest code.
 *
 * jco's glue defines its classes (tasks, per-instance async state, resource tables) inside each
 * `instantiate()` call, so the first call into a fresh instance pays for creating that state and
 * for V8 building new hidden classes for it: measured ~50 µs of a Rust hello's ~75 µs first
 * invoke, ~80 µs for a componentize-js guest (bench/host/RESULTS.md). Calling the export with a
 * `data` variant tag that does not exist runs exactly that bookkeeping, then fails while lowering
 * the argument, before the core wasm export is called: the guest runs no code and its memory is
 * untouched, so the instance still counts as never used.
 */

/** A variant tag no WIT `data` has: the glue refuses it while lowering, naming it in a TypeError. */
export const WARM_TAG = '$momento-warm-up';

/**
 * Calls `call` with the warm-up argument. True when it failed the expected way (a TypeError that
 * names {@link WARM_TAG}); false for anything else (it returned, or failed differently), which
 * means the glue changed and the instance must not be used.
 *
 * @example
 * const ok = warmExport((arg) => api.invoke(arg));
 */
export function warmExport(call: (arg: { tag: string }) => unknown): boolean {
  try {
    call({ tag: WARM_TAG });
  } catch (error) {
    return error instanceof TypeError && error.message.includes(WARM_TAG);
  }
  return false;
}
