import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts', 'src/naming.ts', 'src/bin.ts'],
  format: ['esm'],
  target: 'es2022',
  dts: { entry: ['src/index.ts', 'src/cli.ts', 'src/naming.ts'] },
  sourcemap: true,
  clean: true,
  // Built code imports Node built-ins as 'node:tls', never bare 'tls' (which a user's vitest
  // resolves as a file of their project).
  removeNodeProtocol: false,
  external: [/^momento:/, /^wasi:/],
});
