import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineProject({
  resolve: { alias: [{ find: /^momento:token\/token@1\.0\.0$/, replacement: here('./test/fake-token.ts') }] },
  test: { name: 'token', include: ['test/**/*.test.ts'], testTimeout: 30_000 },
});
