import { defineConfig } from 'tsup';

// src/internal.ts is `@momento-functions/build/internal` (@internal, not public API): what tests of
// the other packages need of the build's internals, so they import it only through its exports.
export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts', 'src/naming.ts', 'src/internal.ts', 'src/bin.ts'],
  format: ['esm'],
  target: 'es2022',
  dts: { entry: ['src/index.ts', 'src/cli.ts', 'src/naming.ts', 'src/internal.ts'] },
  sourcemap: true,
  clean: true,
  // Built code imports Node built-ins as 'node:tls', never bare 'tls' (which a user's vitest
  // resolves as a file of their project).
  removeNodeProtocol: false,
  external: [/^momento:/, /^wasi:/],
});
