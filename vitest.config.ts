import { defineConfig } from 'vitest/config';

// One project per package (each has its own vitest.config.ts), the examples, and the cross-package
// suites in tests/.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'examples/vitest.config.ts', 'tests/vitest.config.ts'],
  },
});
