import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'conformance',
    include: ['**/*.test.ts'],
    exclude: ['fixtures/**', 'registry/**', 'reliability/**', '**/node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
