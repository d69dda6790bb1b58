import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineProject({
  resolve: {
    alias: [{ find: /^momento:log\/logging@1\.0\.0$/, replacement: here('./test/fake-logging.ts') }],
  },
  test: { name: 'log', include: ['test/**/*.test.ts'], testTimeout: 30_000 },
});
