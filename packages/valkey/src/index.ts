/**
 * `@momento-functions/valkey`: request/reply commands against a Momento-managed Valkey cluster
 * from inside a Function, like the Rust crate `momento-functions-valkey`.
 *
 * @packageDocumentation
 */
export { ClusterClient, clusterClient, getManagedClusterClient } from './client.js';
export { Command, CommandBuilder, type ValkeyArgument } from './command.js';
export { ValkeyError, type ValkeyErrorCase } from './errors.js';
export { Bulk, type ValkeyValue } from './value.js';
