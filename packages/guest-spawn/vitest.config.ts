import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'guest-spawn',
    include: ['test/**/*.test.ts'],
    // The component tests build a spawn function once (componentize-js, cached by content hash).
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
