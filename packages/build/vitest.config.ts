import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'build',
    include: ['test/**/*.test.ts'],
    // componentize-js takes 5–13 s per component; outputs are cached by content hash.
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
