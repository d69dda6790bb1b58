import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'bytes',
    include: ['test/**/*.test.ts'],
  },
});
