import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineProject({
  resolve: {
    alias: [
      { find: /^momento:topic\/topic@1\.0\.0$/, replacement: here('./test/fake-topic.ts') },
      { find: /^@momento-functions\/bytes$/, replacement: here('../bytes/src/index.ts') },
    ],
  },
  test: { name: 'topic', include: ['test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 },
});
