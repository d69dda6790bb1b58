/**
 * A build failed for a reason the user can fix; `message` says what was wrong and what to do.
 *
 * @example
 * ```ts
 * import { build, BuildError } from '@momento-functions/build';
 * try {
 *   await build({ entry: 'src/index.ts' });
 * } catch (e) {
 *   if (e instanceof BuildError) console.error(e.message);
 *   else throw e;
 * }
 * ```
 */
export class BuildError extends Error {
  /** Always `'BuildError'`, so the class survives in `e.name` and in printed stack traces. */
  override readonly name = 'BuildError';
}
