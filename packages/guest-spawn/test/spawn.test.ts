import { join, resolve } from 'node:path';
import { build } from '@momento-functions/build';
import { extract } from '@momento-functions/bytes';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runSpawn } from '../../build/test/harness.js';
import { SpawnFailure, SpawnSuccess, spawn, type WitSpawnFailure } from '../src/index.js';

const enc = new TextEncoder();
const value = (s: string) => ({ tag: 'value' as const, val: enc.encode(s) });

/** Run `spawned` the way the component does: ok is returned, err is thrown as a plain value. */
function outcome(fn: ReturnType<typeof spawn>, payload: string): { ok: unknown } | { err: unknown } {
  try {
    return { ok: fn.spawned(value(payload)) };
  } catch (e) {
    return { err: e };
  }
}

const cases: [string, { ok: unknown } | { err: unknown }][] = [
  ['undefined', { ok: { tag: 'ok' } }],
  ['string', { ok: { tag: 'ok-note', val: 'a note' } }],
  ['ok', { ok: { tag: 'ok' } }],
  ['ok-note', { ok: { tag: 'ok-note', val: 'explicit note' } }],
  ['failed', { err: { tag: 'failed' } }],
  ['failed-note', { err: { tag: 'failed-note', val: 'returned failure' } }],
  ['host-error', { err: { tag: 'host-error', val: 'cache unavailable' } }],
  ['throw', { err: { tag: 'failed-note', val: 'something broke' } }],
  ['throw-string', { err: { tag: 'failed-note', val: 'plain string' } }],
];

describe('spawn() unit', () => {
  const fn = spawn(extract.text, (text) => {
    switch (text) {
      case 'undefined':
        return undefined;
      case 'string':
        return 'a note';
      case 'ok':
        return SpawnSuccess.ok;
      case 'ok-note':
        return SpawnSuccess.note('explicit note');
      case 'failed':
        return SpawnFailure.failed();
      case 'failed-note':
        return SpawnFailure.note('returned failure');
      case 'host-error':
        throw SpawnFailure.hostError('cache unavailable');
      case 'throw':
        throw new Error('something broke');
      case 'throw-string':
        throw 'plain string';
      default:
        return 42 as unknown as undefined;
    }
  });

  it('has the spawn kind', () => {
    expect(fn.kind).toBe('spawn');
  });

  it.each(cases)('maps %s', (payload, expected) => {
    expect(outcome(fn, payload)).toEqual(expected);
  });

  it('reports unsupported return values and promises as failed-note', () => {
    const r = outcome(fn, 'other') as { err: WitSpawnFailure };
    expect(r.err).toEqual({ tag: 'failed-note', val: expect.stringMatching(/unsupported value \(number\)/) });
    const asyncFn = spawn(() => Promise.resolve() as unknown as undefined);
    expect(outcome(asyncFn, '')).toEqual({
      err: { tag: 'failed-note', val: expect.stringMatching(/returned a Promise.*synchronously/) },
    });
  });

  it('hands the payload as Data without an extractor', () => {
    let seen = '';
    const raw = spawn((payload) => {
      seen = payload.text();
    });
    expect(outcome(raw, 'hello')).toEqual({ ok: { tag: 'ok' } });
    expect(seen).toBe('hello');
  });

  it('maps an extraction failure to failed-note("Failed to extract spawn payload: ...")', () => {
    const json = spawn(extract.schema(z.object({ _name: z.string() })), () => undefined);
    expect(outcome(json, '{"_name":"x"}')).toEqual({ ok: { tag: 'ok' } });
    const missing = outcome(json, '{"name":"x"}') as { err: { tag: string; val: string } };
    expect(missing.err.tag).toBe('failed-note');
    expect(missing.err.val).toMatch(/^Failed to extract spawn payload: .*_name/);
    const empty = outcome(json, '') as { err: { tag: string; val: string } };
    expect(empty.err.val).toMatch(
      /^Failed to extract spawn payload: EOF while parsing a value at line 1 column 0/,
    );
  });

  it('rejects wrong arguments at definition time', () => {
    expect(() => spawn(42 as never)).toThrow(/expects a function/);
    expect(() => spawn({} as never, () => undefined)).toThrow(/extractor with an extract\(data\) method/);
  });

  it('builds explicit values', () => {
    expect(SpawnSuccess.ok.toWit()).toEqual({ tag: 'ok' });
    expect(SpawnFailure.note('n')).toBeInstanceOf(Error);
    expect(SpawnFailure.note('n').message).toBe('n');
  });
});

describe('spawn() through a built component', () => {
  let wasm: string;
  beforeAll(async () => {
    const out = resolve(
      import.meta.dirname,
      '../../../node_modules/.cache/momento-functions/test-out/guest-spawn',
    );
    const { wasmPath, report } = await build({
      entry: join(import.meta.dirname, 'fixtures', 'outcomes.ts'),
      outFile: join(out, 'outcomes.wasm'),
    });
    expect(report.kind).toBe('spawn');
    expect(report.exports).toEqual(['momento:spawn-function/guest-function-spawn@1.0.0']);
    expect(report.momentoImports).toEqual(['momento:bytes/bytes@1.0.0']);
    wasm = wasmPath;
  });

  it.each(cases)('maps %s to the same WIT result the host sees', async (payload, expected) => {
    const { state, ...r } = await runSpawn(wasm, payload);
    expect(r).toEqual(expected);
  });

  it('never traps on a bad return value', async () => {
    const { state, ...r } = await runSpawn(wasm, 'other');
    expect(r).toEqual({ err: { tag: 'failed-note', val: expect.stringMatching(/unsupported value/) } });
  });
});
