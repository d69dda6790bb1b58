import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineProject({
  resolve: {
    alias: [
      // Guest unit tests: the host imports are fakes that record the WIT requests and answer like the host.
      {
        find: /^momento:aws-auth\/aws-auth@1\.0\.0$/,
        replacement: here('../aws-auth/test/fakes/aws-auth.ts'),
      },
      { find: /^momento:aws-ddb\/aws-ddb@1\.0\.0$/, replacement: here('./test/fakes/aws-ddb.ts') },
      // Test against the sources of the sibling packages (no build needed).
      { find: /^@momento-functions\/bytes$/, replacement: here('../bytes/src/index.ts') },
      { find: /^@momento-functions\/aws-auth$/, replacement: here('../aws-auth/src/index.ts') },
    ],
  },
  test: {
    name: 'aws-ddb',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
