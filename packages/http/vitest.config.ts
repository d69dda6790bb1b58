import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineProject({
  resolve: {
    alias: [
      // The guest's host import, replaced in unit tests by a fake that records the WIT request.
      { find: /^momento:http\/http@1\.0\.0$/, replacement: here('./test/fakes/momento-http.ts') },
      // Test against the bytes sources (no build needed).
      { find: /^@momento-functions\/bytes$/, replacement: here('../bytes/src/index.ts') },
    ],
  },
  test: {
    name: 'http',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
