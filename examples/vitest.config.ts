import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'examples',
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    globalSetup: ['./global-setup.ts'],
    // Each example is componentized once per content hash (5–13 s), then served from the cache.
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
