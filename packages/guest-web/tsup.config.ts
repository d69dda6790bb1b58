import { defineConfig } from 'tsup';

// Unbundled on purpose: dist mirrors src file by file, so a function's bundler (with
// "sideEffects": false) drops every module the function does not use — and with it that module's
// host imports. A function that never streams then does not import
// momento:web-function/web-function-stream, and one that never reads its environment does not
// import wasi:cli/environment (the build writes the component's world from those imports).
export default defineConfig({
  entry: ['src/*.ts', '!src/*.d.ts'],
  bundle: false,
  format: ['esm'],
  target: 'es2022',
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  external: [/^momento:/, /^wasi:/],
});
