/**
 * `@momento-functions/runtime/internal`: the runtime's internals that tests of other packages of
 * this repository need, behind one entry so those tests import the runtime only through its
 * package exports (never `../../runtime/src/...`). Not public API: no semver promise, not in the
 * API docs, may change or disappear in any release.
 *
 * Why an entry and not public exports: these are implementation details (the main-thread side of
 * a streamed `buffer`; the DynamoDB service's binary-attribute check), which tests observe (a
 * spy on `HostStream.prototype` proves the host never copied a pass-through body) but users have
 * no use for. The entry is a separate tsup entry that shares its chunks with the others, so
 * `HostStream` here is the very class the host built from `@momento-functions/runtime` uses.
 *
 * @internal
 * @packageDocumentation
 */
export { HostStream } from './host-stream.js';
export { toPaddedBase64 } from './services/aws/ddb.js';
