import SuperJSON from 'superjson';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  Data,
  EncodeError,
  ExtractError,
  encode,
  encodeJson,
  extract,
  formatPath,
  type StandardSchemaV1,
  superjson,
} from '../src/index.js';
import { findJsonSyntaxError } from '../src/json.js';
import { FakeHostBuffer, utf8 } from './fake-host-buffer.js';
import { casesOf } from './oracle.js';

function errorOf<E extends Error>(type: new (...args: never[]) => E, fn: () => unknown): E {
  try {
    fn();
  } catch (e) {
    if (e instanceof type) return e;
    throw e;
  }
  throw new Error(`expected a ${type.name}`);
}

const Greeting = z.object({ name: z.string() });
const SpawnPayload = z.object({ _name: z.string() });

describe('extract.schema with zod (the json-greeter and spawn-function-json cases)', () => {
  const greeting = extract.schema(Greeting);

  it('returns the validated value and ignores unknown fields', () => {
    expect(greeting.extract(Data.from('{"name":"kvc"}'))).toEqual({ name: 'kvc' });
    expect(greeting.extract(Data.from('{"name":"kvc","extra":1}'))).toEqual({ name: 'kvc' });
    const fromHost = Data.fromHost(new FakeHostBuffer([utf8('{"na'), utf8('me":"é\\"x"}')]));
    expect(greeting.extract(fromHost)).toEqual({ name: 'é"x' });
  });

  // Where serde_json's text depends only on the syntax or on a missing field, ours is identical.
  const identical = (mode: 'greeting' | 'spawn') =>
    casesOf(mode)
      .filter((c) => !c.ok && !/^invalid (type|length)/.test(c.text))
      .map((c) => [c.label, c] as const);

  it.each(identical('greeting'))('greeting %s gives serde_json’s text', (_label, c) => {
    expect(errorOf(ExtractError, () => greeting.extract(Data.from(c.bytes))).message).toBe(c.text);
  });

  it.each(identical('spawn'))('spawn payload %s gives serde_json’s text', (_label, c) => {
    const error = errorOf(ExtractError, () => extract.schema(SpawnPayload).extract(Data.from(c.bytes)));
    expect(error.message).toBe(c.text);
  });

  it.each(
    casesOf('greeting')
      .filter((c) => /^invalid (type|length)/.test(c.text))
      .map((c) => [c.label, c] as const),
  )('wrong type %s names the field, with serde_json’s position', (_label, c) => {
    const error = errorOf(ExtractError, () => greeting.extract(Data.from(c.bytes)));
    const serdePosition = / at line \d+ column \d+$/.exec(c.text)![0];
    expect(error.message.endsWith(serdePosition)).toBe(true);
    expect(error.kind).toBe('schema');
    if (c.label.includes('name'))
      expect(error.message).toMatch(/^invalid value at `name`: .*expected string/);
  });

  it('names every failing field with its path', () => {
    const Order = z.object({
      id: z.number(),
      items: z.array(z.object({ sku: z.string(), qty: z.number().int().positive() })),
    });
    const body = '{"id":"7","items":[{"sku":"a","qty":1},{"qty":0}]}';
    const error = errorOf(ExtractError, () => extract.schema(Order).extract(Data.from(body)));
    expect(error.kind).toBe('schema');
    expect(error.issues.map((issue) => issue.path)).toEqual([
      ['id'],
      ['items', 1, 'sku'],
      ['items', 1, 'qty'],
    ]);
    const parts = error.message.split('; ');
    expect(parts[0]).toMatch(/^invalid value at `id`: .*expected number.* at line 1 column 9$/);
    expect(parts[1]).toBe('missing field `sku` at line 1 column 48');
    expect(parts[2]).toMatch(/^invalid value at `items\[1\]\.qty`: .* at line 1 column 47$/);
    expect(error.reason).toMatch(/^invalid value at `id`: /);
    expect(error.position).toEqual({ line: 1, column: 9 });
  });

  it('places a missing field at the end of its object, over several lines', () => {
    const error = errorOf(ExtractError, () => greeting.extract(Data.from(' {\n "other": 1\n}\n')));
    expect(error.message).toBe('missing field `name` at line 3 column 1');
  });

  it('reports JSON syntax errors before schema errors', () => {
    const error = errorOf(ExtractError, () => greeting.extract(Data.from('{"name":')));
    expect(error.kind).toBe('json');
    expect(error.message).toBe('EOF while parsing a value at line 1 column 8');
  });

  it('uses the schema’s output (transforms and defaults apply)', () => {
    const schema = z.object({ n: z.string().transform((s) => s.length), tag: z.string().default('none') });
    expect(extract.schema(schema).extract(Data.from('{"n":"abcd"}'))).toEqual({ n: 4, tag: 'none' });
  });

  it('fails clearly when the schema validates asynchronously', () => {
    const schema = z.object({ name: z.string().refine(async () => true) });
    const error = errorOf(ExtractError, () => extract.schema(schema).extract(Data.from('{"name":"x"}')));
    expect(error.message).toMatch(/validated asynchronously .* handlers are synchronous/);
  });

  it('works with any Standard Schema, not only zod', () => {
    const even: StandardSchemaV1<unknown, number> = {
      '~standard': {
        version: 1,
        vendor: 'hand-written',
        validate: (value) =>
          typeof value === 'number' && value % 2 === 0
            ? { value }
            : { issues: [{ message: 'expected an even number', path: [{ key: 'root' }] }] },
      },
    };
    expect(extract.schema(even).extract(Data.from('4'))).toBe(4);
    expect(errorOf(ExtractError, () => extract.schema(even).extract(Data.from('3'))).message).toBe(
      'invalid value at `root`: expected an even number at line 1 column 1',
    );
    const root: StandardSchemaV1<unknown, never> = {
      '~standard': { version: 1, vendor: 'x', validate: () => ({ issues: [{ message: 'nope' }] }) },
    };
    expect(errorOf(ExtractError, () => extract.schema(root).extract(Data.from(' [1] '))).message).toBe(
      'nope at line 1 column 4',
    );
  });

  it('rejects a value that is not a schema when the extractor is made', () => {
    expect(() => extract.schema({} as never)).toThrow(/expects a Standard Schema/);
  });
});

describe('formatPath', () => {
  it('writes JavaScript-like paths', () => {
    expect(formatPath([])).toBe('<root>');
    expect(formatPath(['items', 0, 'name'])).toBe('items[0].name');
    expect(formatPath(['a b', 'c'])).toBe('["a b"].c');
  });
});

describe('the other extractors', () => {
  it('data is the identity and never reads', () => {
    const host = new FakeHostBuffer('abc');
    const data = Data.fromHost(host);
    expect(extract.data.extract(data)).toBe(data);
    expect(host.calls).toEqual([]);
  });

  it('empty never reads the body', () => {
    const host = new FakeHostBuffer('abc');
    expect(extract.empty.extract(Data.fromHost(host))).toBeUndefined();
    expect(host.calls).toEqual([]);
  });

  it('bytes and text read everything', () => {
    expect(Array.from(extract.bytes.extract(Data.from('ab')))).toEqual([97, 98]);
    expect(extract.text.extract(Data.fromHost(new FakeHostBuffer('hé', { maxChunk: 1 })))).toBe('hé');
  });

  it.each(casesOf('utf8').map((c) => [c.label, c] as const))(
    'text %s gives Rust’s FromUtf8Error text',
    (_l, c) => {
      expect(errorOf(ExtractError, () => extract.text.extract(Data.from(c.bytes))).message).toBe(c.text);
    },
  );
});

describe('encodeJson (compact, like serde_json::to_vec)', () => {
  it('writes compact JSON with raw non-ASCII and serde_json’s escapes', () => {
    expect(encodeJson({ message: 'Hello, é"x!' }).text()).toBe('{"message":"Hello, é\\"x!"}');
    const [strings] = casesOf('encode');
    const input = JSON.parse(new TextDecoder().decode(strings!.bytes));
    expect(encodeJson(input).text()).toBe(strings!.text);
  });

  it('matches serde_json for integers and shortest floats, differs where documented', () => {
    const numbers = casesOf('encode')[1]!;
    const ours = encodeJson(JSON.parse(new TextDecoder().decode(numbers.bytes))).text();
    // serde_json keeps ".0" on floats and writes 1e20 in exponent form; JS writes integral floats as integers.
    expect(numbers.text).toBe(
      '[1.0,1e+21,1e-7,0.1,100,-0.0,100.0,5e-324,1.5,1.2345678901234568e+29,1e+20,12345678.9]',
    );
    expect(ours).toBe(
      '[1,1e+21,1e-7,0.1,100,0,100,5e-324,1.5,1.2345678901234568e+29,100000000000000000000,12345678.9]',
    );
  });

  it('keeps object key order (JSON.stringify order), unlike serde_json::Value’s sorted maps', () => {
    const sorted = casesOf('encode')[3]!;
    expect(sorted.text).toBe('{"10":3,"2":4,"a":2,"b":1}');
    expect(encodeJson({ b: 1, a: 2, 10: 3, 2: 4 }).text()).toBe('{"2":4,"10":3,"b":1,"a":2}');
  });

  it('writes typed arrays as arrays of numbers, like Vec<u8>', () => {
    expect(encodeJson({ bytes: new Uint8Array([1, 2]) }).text()).toBe('{"bytes":[1,2]}');
  });

  it('writes NaN and Infinity as null, like serde_json', () => {
    expect(encodeJson([Number.NaN, Number.POSITIVE_INFINITY]).text()).toBe('[null,null]');
  });

  it.each([
    [undefined, /undefined cannot be encoded as JSON .* return null/],
    [() => 1, /function cannot be encoded as JSON/],
    [{ a: { b: [1, 2n] } }, /a BigInt at `a\.b\[1\]` cannot be encoded as JSON; convert it/],
    [new Map([['a', 1]]), /a Map as the value cannot be encoded .* Object\.fromEntries/],
    [{ tags: new Set(['a']) }, /a Set in field `tags` cannot be encoded .* \[\.\.\.set\]/],
  ])('rejects %s with an EncodeError that says what to do', (value, message) => {
    const error = errorOf(EncodeError, () => encodeJson(value));
    expect(error.message).toMatch(message);
  });

  it('names a cycle', () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = { back: a };
    expect(errorOf(EncodeError, () => encodeJson(a)).message).toMatch(/cycle at `self\.back`/);
  });
});

describe('encode', () => {
  it('passes a host buffer through untouched', () => {
    const host = new FakeHostBuffer('abc');
    const data = Data.fromHost(host);
    const wit = encode.data.encode(data).toWit();
    expect(wit).toEqual({ tag: 'buffer', val: host });
    expect(wit.val).toBe(host);
    expect(host.calls).toEqual([]);
  });

  it('encodes bytes, text, json and nothing', () => {
    expect(Array.from(encode.bytes.encode(new Uint8Array([1, 2])).bytes())).toEqual([1, 2]);
    expect(Array.from(encode.bytes.encode(new Uint16Array([0x0201]).buffer).bytes())).toEqual([1, 2]);
    expect(encode.text.encode('pong').text()).toBe('pong');
    expect(encode.json.encode({ ok: true }).text()).toBe('{"ok":true}');
    expect(encode.empty.encode('ignored').bytes().length).toBe(0);
  });
});

describe('superjson codec (opt-in)', () => {
  const codec = superjson(SuperJSON);

  it('round-trips Dates, Maps, Sets, BigInts and undefined', () => {
    const value = {
      at: new Date(0),
      tags: new Set(['a']),
      counts: new Map([['x', 1]]),
      big: 10n,
      gone: undefined,
    };
    const data = codec.encoder.encode(value);
    const text = data.text();
    expect(text).toBe(JSON.stringify(SuperJSON.serialize(value)));
    const back = codec.extractor<typeof value>().extract(Data.from(text));
    expect(back).toEqual(value);
    expect(back.at).toBeInstanceOf(Date);
    expect(back.big).toBe(10n);
  });

  it('reads a superjson body from a host buffer in chunks', () => {
    const text = SuperJSON.stringify({ when: new Date(86400000) });
    const host = new FakeHostBuffer(text, { maxChunk: 3 });
    expect(codec.extractor<{ when: Date }>().extract(Data.fromHost(host)).when.getTime()).toBe(86400000);
  });

  it('validates the restored value with a schema', () => {
    const schema = z.object({ at: z.date() });
    const good = SuperJSON.stringify({ at: new Date(5) });
    expect(codec.schema(schema).extract(Data.from(good))).toEqual({ at: new Date(5) });
    const bad = SuperJSON.stringify({ at: 'not a date' });
    expect(errorOf(ExtractError, () => codec.schema(schema).extract(Data.from(bad))).message).toMatch(
      /^invalid value at `at`: .*expected date/,
    );
  });

  it('says when the body is not a superjson document', () => {
    const error = errorOf(ExtractError, () => codec.extractor().extract(Data.from('{"a":1}')));
    expect(error.kind).toBe('superjson');
    expect(error.message).toMatch(/expected a superjson document/);
    expect(errorOf(ExtractError, () => codec.extractor().extract(Data.from('{'))).message).toBe(
      'EOF while parsing an object at line 1 column 1',
    );
  });

  it('requires a superjson instance', () => {
    expect(() => superjson({} as never)).toThrow(/expects a superjson instance/);
  });
});

describe('the scanner', () => {
  it('reports serde_json’s recursion limit even though Data.json() accepts deep documents', () => {
    const deep = utf8(`${'['.repeat(128)}${']'.repeat(128)}`);
    expect(findJsonSyntaxError(deep)).toEqual({
      reason: 'recursion limit exceeded',
      position: { line: 1, column: 128 },
    });
    expect(findJsonSyntaxError(utf8(`${'['.repeat(127)}${']'.repeat(127)}`))).toBeUndefined();
  });
});
