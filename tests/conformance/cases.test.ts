// The case table itself: every expectation can be checked for every implementation it is run
// against, and the runner can key results by case name.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMPLEMENTATIONS, SUITES } from './cases.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe.each(SUITES.map((s) => [s.name, s] as const))('cases of %s', (_, suite) => {
  const impls = IMPLEMENTATIONS.filter((i) => suite.implementations[i]);

  it('has a TypeScript and at least one other implementation, each present on disk', () => {
    expect(impls).toContain('ts');
    expect(impls.length).toBeGreaterThanOrEqual(2);
    for (const impl of impls) {
      const source = suite.implementations[impl]!;
      expect(existsSync(join(ROOT, 'entry' in source ? source.entry : source.wasm)), impl).toBe(true);
    }
  });

  it('names every case uniquely (results are keyed by name)', () => {
    const names = suite.cases.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('pins a detail or an answer for exactly the implementations it runs against', () => {
    for (const c of suite.cases) {
      const e = c.expect;
      const pinned =
        e.kind === 'prefix'
          ? Object.keys(e.detail)
          : e.kind === 'status-only'
            ? Object.keys(e.answers)
            : impls;
      expect([...pinned].sort(), c.name).toEqual([...impls].sort());
      if (e.kind !== 'exact') expect(e.note.length, `${c.name}: say why it differs`).toBeGreaterThan(20);
    }
  });
});
