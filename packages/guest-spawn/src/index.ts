/**
 * `@momento-functions/guest-spawn`: write Momento spawn functions in TypeScript.
 *
 * @packageDocumentation
 */
export {
  SpawnEncodeError,
  SpawnError,
  type SpawnErrorCase,
  type SpawnFunctionOptions,
  spawnFunction,
} from './call.js';
export {
  SpawnFailure,
  type SpawnFailureKind,
  type SpawnResult,
  SpawnSuccess,
  type WitSpawnFailure,
  type WitSpawnSuccess,
} from './result.js';
export { sleep } from './sleep.js';
export {
  EXTRACT_FAILURE_PREFIX,
  type SpawnFunction,
  type SpawnHandlerMustBeSynchronous,
  type SyncSpawnResult,
  spawn,
} from './spawn.js';
