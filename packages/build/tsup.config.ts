import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts', 'src/bin.ts'],
  format: ['esm'],
  target: 'es2022',
  dts: { entry: ['src/index.ts', 'src/cli.ts'] },
  sourcemap: true,
  clean: true,
  external: [/^momento:/, /^wasi:/],
});
