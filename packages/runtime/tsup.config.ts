import { defineConfig } from 'tsup';

// One public entry per idea: the host (index), the HTTP server, and each host service
// (`@momento-functions/runtime/services/<name>`) for building your own host setups.
const services = ['aws', 'cache', 'http', 'log', 'token', 'topic', 'valkey'];
const publicEntries = {
  index: 'src/index.ts',
  server: 'src/server/index.ts',
  ...Object.fromEntries(services.map((name) => [`services/${name}`, `src/services/${name}/index.ts`])),
};

// `@momento-functions/runtime/internal` (@internal, not public API): the internals tests of the
// other packages need (see src/internal.ts), so they import the runtime only through its exports.
// Built like the public entries, sharing their chunks: a class it re-exports is the one the host uses.
const internalEntries = { internal: 'src/internal.ts' };

export default defineConfig({
  entry: { ...publicEntries, ...internalEntries, worker: 'src/worker/main.ts', cli: 'src/cli/bin.ts' },
  format: ['esm'],
  target: 'es2022',
  dts: { entry: { ...publicEntries, ...internalEntries } },
  sourcemap: true,
  clean: true,
  // Built code imports Node built-ins as 'node:tls', never bare 'tls' (which a user's vitest
  // resolves as a file of their project).
  removeNodeProtocol: false,
  external: [/^momento:/, /^wasi:/, 'esbuild'],
});
