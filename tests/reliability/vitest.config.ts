import { defineConfig } from 'vitest/config';

// The hostile probe as a permanent suite (docs/reliability.md). The files run one after another:
// each starts servers, child processes or hundreds of loads, and measures RSS and latency, which
// other files running at the same time on a 2-core machine would disturb. MF_RELIABILITY_LONG=1
// runs the long variants (bigger counts, longer runs).
export default defineConfig({
  test: {
    name: 'reliability',
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
