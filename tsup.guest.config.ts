import { defineConfig } from 'tsup';

/**
 * The tsup config of every guest package. Unbundled on purpose: dist mirrors src file by file,
 * so a function's bundler (with "sideEffects": false) drops every module the function does not
 * use — and with it that module's host imports. A function that only calls `get`/`set` then
 * imports momento:cache-scalar but not momento:cache-list, exactly as a Rust guest would (the
 * build writes the component's world from the host imports its bundle keeps).
 */
export default defineConfig({
  entry: ['src/*.ts', '!src/*.d.ts'],
  bundle: false,
  format: ['esm'],
  target: 'es2022',
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  // Built code imports Node built-ins as 'node:tls', never bare 'tls' (which a user's vitest
  // resolves as a file of their project).
  removeNodeProtocol: false,
  external: [/^momento:/, /^wasi:/],
});
