/**
 * `@momento-functions/build/internal`: the build's internals that tests of other packages of
 * this repository need, behind one entry so those tests import the build only through its
 * package exports (never `../../build/src/...`). Not public API: no semver promise, not in the
 * API docs, may change or disappear in any release.
 *
 * `relocateSourceMap` is how the build writes a component's source map beside it; the runtime's
 * tests use it to produce such a map without running componentize-js.
 *
 * @internal
 * @packageDocumentation
 */
export { relocateSourceMap } from './sourcemap.js';
