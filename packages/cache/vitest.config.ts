import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineProject({
  resolve: {
    alias: [
      // Guest unit tests: the host imports are fakes that call the real host services in memory.
      {
        find: /^momento:cache-scalar\/cache-scalar@1\.0\.0$/,
        replacement: here('./test/fakes/cache-scalar.ts'),
      },
      { find: /^momento:cache-list\/cache-list@1\.0\.0$/, replacement: here('./test/fakes/cache-list.ts') },
      { find: /^@momento-functions\/bytes$/, replacement: here('../bytes/src/index.ts') },
    ],
  },
  test: {
    name: 'cache',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
