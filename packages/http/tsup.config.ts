import { defineConfig } from 'tsup';

// Unbundled on purpose (like guest-web): dist mirrors src file by file, so a function that only
// parses SSE, or never calls invoke(), does not import momento:http/http (the build writes the
// component's world from the host imports its bundle keeps).
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
