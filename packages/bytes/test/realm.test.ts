import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Data, EncodeError, encode, encodeJson, isByteSource } from '../src/index.js';
import { isArrayBuffer, isDataView, isMap, isSet, typedArrayName } from '../src/realm.js';

/** Values made in another realm: their constructors are not this realm's. */
const foreign = <T>(code: string): T => vm.runInNewContext(code) as T;

describe('values from another realm (vm context, a component glue)', () => {
  it('really are foreign: instanceof says false', () => {
    expect(foreign('new Uint8Array([1,2])') instanceof Uint8Array).toBe(false);
    expect(foreign('new Map()') instanceof Map).toBe(false);
  });

  it('encodeJson writes a foreign Uint8Array as an array of numbers, not {"0":…}', () => {
    const body = foreign<Uint8Array>('new Uint8Array([1,2])');
    expect(encodeJson({ body }).text()).toBe('{"body":[1,2]}');
    expect(encodeJson(body).text()).toBe('[1,2]');
    expect(encode.json.encode({ body }).text()).toBe('{"body":[1,2]}');
  });

  it('encodeJson writes every foreign non-BigInt typed array as numbers', () => {
    const value = foreign<object>(
      '({ i8: new Int8Array([-1]), u16: new Uint16Array([65535]), i32: new Int32Array([-2]), f32: new Float32Array([0.5]), f64: new Float64Array([1.25, NaN]), c: new Uint8ClampedArray([300]) })',
    );
    expect(encodeJson(value).text()).toBe(
      '{"i8":[-1],"u16":[65535],"i32":[-2],"f32":[0.5],"f64":[1.25,null],"c":[255]}',
    );
  });

  it('encodeJson refuses foreign Map, Set, ArrayBuffer and DataView instead of writing {}', () => {
    const cases: [string, RegExp][] = [
      ['({ m: new Map([[1, 2]]) })', /a Map in field `m` .*Object\.fromEntries/],
      ['({ s: new Set([1]) })', /a Set in field `s` .*\[\.\.\.set\]/],
      ['({ b: new ArrayBuffer(2) })', /an ArrayBuffer in field `b` .*new Uint8Array/],
      ['({ v: new DataView(new ArrayBuffer(2)) })', /a DataView in field `v` .*new Uint8Array/],
      ['new Map()', /a Map as the value/],
    ];
    for (const [code, message] of cases) {
      expect(() => encodeJson(foreign(code))).toThrow(EncodeError);
      expect(() => encodeJson(foreign(code))).toThrow(message);
    }
    // The same values of this realm behave the same.
    expect(() => encodeJson({ b: new ArrayBuffer(2) })).toThrow(/an ArrayBuffer in field `b`/);
    expect(() => encodeJson({ v: new DataView(new ArrayBuffer(2)) })).toThrow(/a DataView in field `v`/);
  });

  it('a foreign BigInt64Array fails naming the BigInt, as one of this realm does', () => {
    expect(() => encodeJson(foreign('({ n: new BigInt64Array([1n]) })'))).toThrow(/a BigInt at `n\[0\]`/);
    expect(() => encodeJson({ n: new BigInt64Array([1n]) })).toThrow(/a BigInt at `n\[0\]`/);
  });

  it('Data.from views foreign typed arrays, DataViews and ArrayBuffers through this realm', () => {
    const fromArray = Data.from(foreign<Uint8Array>('new Uint8Array([1,2])')).bytes();
    expect(fromArray).toBeInstanceOf(Uint8Array);
    expect([...fromArray]).toEqual([1, 2]);
    const fromBuffer = Data.from(foreign<ArrayBuffer>('new Uint8Array([3,4,5]).buffer')).bytes();
    expect(fromBuffer).toBeInstanceOf(Uint8Array);
    expect([...fromBuffer]).toEqual([3, 4, 5]);
    const view = foreign<DataView>('new DataView(new Uint8Array([9,8,7,6]).buffer, 1, 2)');
    expect([...Data.from(view).bytes()]).toEqual([8, 7]);
    expect([...encode.bytes.encode(foreign<Uint16Array>('new Uint16Array([258])')).bytes()]).toEqual([2, 1]);
  });

  it('Data.from still rejects what is not bytes, with a message that says what to do', () => {
    expect(() => Data.from(foreign<never>('({ length: 2 })'))).toThrow(/encodeJson\(value\)/);
  });
});

describe('realm-safe checks', () => {
  it('recognise values of both realms', () => {
    expect(typedArrayName(new Uint8Array(1))).toBe('Uint8Array');
    expect(typedArrayName(foreign('new Float32Array(1)'))).toBe('Float32Array');
    expect(typedArrayName(new DataView(new ArrayBuffer(1)))).toBeUndefined();
    expect(isDataView(foreign('new DataView(new ArrayBuffer(1))'))).toBe(true);
    expect(isArrayBuffer(foreign('new ArrayBuffer(1)'))).toBe(true);
    expect(isMap(foreign('new Map()'))).toBe(true);
    expect(isSet(foreign('new Set()'))).toBe(true);
    expect(isByteSource(foreign('new Uint8Array(1)'))).toBe(true);
    expect(isByteSource(foreign('new ArrayBuffer(1)'))).toBe(true);
    expect(isByteSource(new DataView(new ArrayBuffer(1)))).toBe(true);
  });

  it('are not fooled by Symbol.toStringTag', () => {
    const fake = (tag: string) => ({ [Symbol.toStringTag]: tag, length: 1, 0: 1 });
    expect(typedArrayName(fake('Uint8Array'))).toBeUndefined();
    expect(isArrayBuffer(fake('ArrayBuffer'))).toBe(false);
    expect(isMap(fake('Map'))).toBe(false);
    expect(isSet(fake('Set'))).toBe(false);
    expect(isByteSource(fake('Uint8Array'))).toBe(false);
    expect(isByteSource(new SharedArrayBuffer(1))).toBe(false);
    expect(encodeJson({ m: fake('Map') }).text()).toBe('{"m":{"0":1,"length":1}}');
  });
});
