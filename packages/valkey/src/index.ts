/**
 * `@momento-functions/valkey`: request/reply commands against a Momento-managed Valkey cluster
 * from inside a Function, like the Rust crate `momento-functions-valkey`. `Data` (the type of
 * `data` replies and a valid argument) is re-exported from `@momento-functions/bytes`, as the crate
 * re-exports it.
 *
 * @example
 * ```ts
 * import { clusterClient, Data } from '@momento-functions/valkey';
 * const reply = clusterClient('my-cluster').command('GET', Data.from('greeting'));
 * if (reply.kind === 'data') reply.value.text();
 * ```
 *
 * @packageDocumentation
 */
export { Data } from '@momento-functions/bytes';
export { ClusterClient, clusterClient, getManagedClusterClient } from './client.js';
export { Command, CommandBuilder, type ValkeyArgument } from './command.js';
export { ValkeyError, type ValkeyErrorCase } from './errors.js';
export { Bulk, type ValkeyValue } from './value.js';
