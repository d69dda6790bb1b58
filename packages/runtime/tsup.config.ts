import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    worker: 'src/worker/main.ts',
    cli: 'src/cli/bin.ts',
    server: 'src/server/index.ts',
  },
  format: ['esm'],
  target: 'es2022',
  dts: { entry: { index: 'src/index.ts', server: 'src/server/index.ts' } },
  sourcemap: true,
  clean: true,
  external: [/^momento:/, /^wasi:/, 'esbuild'],
});
