import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineProject({
  resolve: {
    alias: [
      // Guest unit tests: the host import is a scripted fake (test/fakes/valkey.ts).
      { find: /^momento:valkey\/valkey@1\.0\.0$/, replacement: here('./test/fakes/valkey.ts') },
      { find: /^@momento-functions\/bytes$/, replacement: here('../bytes/src/index.ts') },
    ],
  },
  test: {
    name: 'valkey',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 300_000,
  },
});
