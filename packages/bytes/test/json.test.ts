import { describe, expect, it } from 'vitest';
import { Data, ExtractError, extract, parseJson } from '../src/index.js';
import { FakeHostBuffer, utf8 } from './fake-host-buffer.js';
import { casesOf } from './oracle.js';

function errorOf(fn: () => unknown): ExtractError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ExtractError) return e;
    throw e;
  }
  throw new Error('expected an ExtractError');
}

/**
 * Documented differences (docs/bytes.md): serde_json stops at 128 nested arrays/objects
 * ("recursion limit exceeded"); the engine's JSON.parse has no such limit, and checking depth would
 * cost a walk over every body, so deeper documents are accepted.
 */
const acceptedDespiteSerde = (text: string): boolean => text.startsWith('recursion limit exceeded');

describe('JSON parsing matches serde_json::from_slice::<Value> (texts from the Rust oracle)', () => {
  const cases = casesOf('value');
  it('has the oracle fixture', () => expect(cases.length).toBeGreaterThan(90));

  it.each(cases.filter((c) => !c.ok && acceptedDespiteSerde(c.text)).map((c) => [c.label, c] as const))(
    'accepts %s (documented difference: no recursion limit)',
    (_label, c) => {
      expect(() => Data.from(c.bytes).json()).not.toThrow();
    },
  );

  it.each(cases.filter((c) => !c.ok && !acceptedDespiteSerde(c.text)).map((c) => [c.label, c] as const))(
    'rejects %s',
    (_label, c) => {
      const error = errorOf(() => Data.from(c.bytes).json());
      expect(error.message).toBe(c.text);
      expect(error.kind).toBe('json');
      const [, reason, line, column] = /^(.*) at line (\d+) column (\d+)$/.exec(c.text)!;
      expect(error.reason).toBe(reason);
      expect(error.position).toEqual({ line: Number(line), column: Number(column) });
    },
  );

  it.each(cases.filter((c) => c.ok).map((c) => [c.label, c] as const))('accepts %s', (_label, c) => {
    expect(Data.from(c.bytes).json()).toEqual(JSON.parse(c.text));
  });
});

describe('the json-greeter table (the upstream json-greeter example)', () => {
  it.each([
    ['', 'EOF while parsing a value at line 1 column 0'],
    ['abc', 'expected value at line 1 column 1'],
    ['{"name":"a"} x', 'trailing characters at line 1 column 14'],
  ])('%j → %s', (input, message) => {
    expect(errorOf(() => extract.json().extract(Data.from(input))).message).toBe(message);
    // The same through a host buffer delivered in small chunks.
    const host = new FakeHostBuffer([utf8(input.slice(0, 3)), utf8(input.slice(3))], { maxChunk: 2 });
    expect(errorOf(() => Data.fromHost(host).json()).message).toBe(message);
  });

  it('accepts surrounding whitespace and keeps raw UTF-8', () => {
    expect(extract.json<{ name: string }>().extract(Data.from('  {"name":"é\\"x"}  '))).toEqual({
      name: 'é"x',
    });
  });

  it('counts columns in bytes, not UTF-16 units', () => {
    expect(errorOf(() => parseJson('{"é":1, x}')).message).toBe('key must be a string at line 1 column 10');
    expect(errorOf(() => parseJson('["😀" x]')).message).toBe('expected `,` or `]` at line 1 column 9');
  });

  it('parseJson takes strings and bytes alike', () => {
    expect(parseJson('[1,2]')).toEqual([1, 2]);
    expect(parseJson(utf8('{"a":null}'))).toEqual({ a: null });
  });

  it('reports out-of-range numbers instead of returning Infinity', () => {
    expect(errorOf(() => parseJson('{"a":[1,1e999]}')).message).toBe(
      'number out of range at line 1 column 13',
    );
    expect(parseJson('[1e308, 1e-400]')).toEqual([1e308, 0]);
  });

  it('keeps the JSON.parse error as the cause', () => {
    const error = errorOf(() => parseJson('{'));
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });
});
