import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', worker: 'src/worker/main.ts' },
  format: ['esm'],
  target: 'es2022',
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  external: [/^momento:/, /^wasi:/, 'esbuild'],
});
