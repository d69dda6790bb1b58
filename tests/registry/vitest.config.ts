import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'registry',
    include: ['**/*.test.ts'],
    // Publishing every package and installing a project through a local registry, then building
    // its component twice, takes minutes; each step has its own timeout in the test.
    testTimeout: 900_000,
    hookTimeout: 300_000,
  },
});
