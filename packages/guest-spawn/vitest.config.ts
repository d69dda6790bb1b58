import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      // Unit tests of spawnFunction (src/call.ts) run in Node: the host import is a recording fake.
      'momento:spawn/spawn@1.0.0': fileURLToPath(new URL('./test/call-fake-spawn.ts', import.meta.url)),
      // sleep() (src/sleep.ts): the clock is a recording fake that does not wait.
      'wasi:clocks/monotonic-clock@0.2.3': fileURLToPath(
        new URL('./test/sleep-fake-clocks.ts', import.meta.url),
      ),
    },
  },
  test: {
    name: 'guest-spawn',
    include: ['test/**/*.test.ts'],
    // The component tests build a spawn function once (componentize-js, cached by content hash).
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
