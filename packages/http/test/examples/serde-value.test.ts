import { describe, expect, it } from 'vitest';
import {
  debugSerdeValue,
  parseSerdeValue,
  ryu,
  serdeNumber,
  serializeSerdeValue,
} from '../../../../examples/dynamodb-accelerator/src/serde-value.js';

const normalize = (text: string) => serializeSerdeValue(parseSerdeValue(text));

describe('serde_json::Value semantics for the dynamodb-accelerator cache key', () => {
  it('sorts object keys at every level and keeps arrays in order', () => {
    expect(normalize('{"sk":{"N":"5"},"pk":{"S":"u1","B":[3,1]}}')).toBe(
      '{"pk":{"B":[3,1],"S":"u1"},"sk":{"N":"5"}}',
    );
  });

  it('sorts keys by UTF-8 bytes (a BTreeMap<String, _>) and keeps the last of repeated keys', () => {
    // U+FF5E (EF BD 9E) sorts before U+1F600 (F0 9F 98 80) in UTF-8, after it in UTF-16.
    expect(normalize('{"😀":1,"～":2,"a":3,"a":4}')).toBe('{"a":4,"～":2,"😀":1}');
  });

  it('decodes escapes and writes strings like serde_json', () => {
    expect(normalize('"\\u00e9\\/\\u001f\\n\\"x"')).toBe('"é/\\u001f\\n\\"x"');
  });

  it.each([
    ['1.0', '1.0'],
    ['1', '1'],
    ['-0', '0'],
    ['-0.0', '-0.0'],
    ['1e2', '100.0'],
    ['1E+2', '100.0'],
    ['0.1', '0.1'],
    ['0.00001', '0.00001'],
    ['0.000001', '1e-6'],
    ['1.5e-7', '1.5e-7'],
    ['1e15', '1000000000000000.0'],
    ['1e16', '1e16'],
    ['1e17', '1e17'],
    ['123.456e5', '12345600.0'],
    ['18446744073709551615', '18446744073709551615'],
    ['18446744073709551616', '1.8446744073709552e19'],
    ['-9223372036854775808', '-9223372036854775808'],
    ['-9223372036854775809', '-9.223372036854776e18'],
  ])('writes the number %s as %s', (source, expected) => {
    expect(serdeNumber(source)).toBe(expected);
  });

  it('formats f64 like ryu', () => {
    expect(ryu(Math.PI)).toBe('3.141592653589793');
    expect(ryu(-2.5e-300)).toBe('-2.5e-300');
    expect(ryu(1.7976931348623157e308)).toBe('1.7976931348623157e308');
  });

  it("prints serde_json::Value's Debug", () => {
    expect(debugSerdeValue(parseSerdeValue('{"b":[1,null,true],"a":{"S":"x\\"y"},"c":{},"d":[]}'))).toBe(
      'Object {"a": Object {"S": String("x\\"y")}, "b": Array [Number(1), Null, Bool(true)], "c": Object {}, "d": Array []}',
    );
  });
});
