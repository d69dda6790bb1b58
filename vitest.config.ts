import { defineConfig } from 'vitest/config';

// One project per package (each has its own vitest.config.ts), the examples, the cross-package
// suites in tests/, the registry test (publish, then install as a user does), and the reliability
// probe (tests/reliability, docs/reliability.md).
export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'examples/vitest.config.ts',
      'tests/vitest.config.ts',
      'tests/registry/vitest.config.ts',
      'tests/reliability/vitest.config.ts',
    ],
  },
});
