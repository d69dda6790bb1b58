import { describe, expect, it } from 'vitest';
import { createHost } from '../src/index.js';
import { watHello } from './helpers/guests.js';

describe('smoke', () => {
  it('runs a WAT hello', async () => {
    const host = await createHost({ logger: () => undefined });
    try {
      const fn = await host.load(await watHello(), { name: 'hello' });
      const res = await fn.invoke({ body: 'x' });
      expect(res.text()).toBe('hello 1');
    } finally {
      await host.close();
    }
  });
});
