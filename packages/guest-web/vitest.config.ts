import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Unit tests run the package's source in Node: the host interfaces, which exist only inside a
// component, are replaced by the recording fakes under test/fakes/. The tests under
// test/component/ build real components and run them in a real host instead.
export default defineProject({
  test: {
    name: 'guest-web',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    // componentize-js takes 5–13 s per component (cached by content hash afterwards).
    hookTimeout: 300_000,
  },
  resolve: {
    alias: {
      'momento:web-function/web-function-support@1.0.0': here('./test/fakes/web-function-support.ts'),
      'momento:web-function/web-function-stream@1.0.0': here('./test/fakes/web-function-stream.ts'),
      'wasi:cli/environment@0.2.3': here('./test/fakes/wasi-environment.ts'),
      'wasi:clocks/monotonic-clock@0.2.3': here('./test/fakes/wasi-clocks.ts'),
      '@momento-functions/bytes': here('../bytes/src/index.ts'),
      // Before the package's own alias, which would turn '@momento-functions/build/naming' into 'index.ts/naming'.
      '@momento-functions/build/naming': here('../build/src/naming.ts'),
      '@momento-functions/build': here('../build/src/index.ts'),
      '@momento-functions/runtime': here('../runtime/src/index.ts'),
    },
  },
});
