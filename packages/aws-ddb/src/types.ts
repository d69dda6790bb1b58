/** DynamoDB-typed values, keys and items, with the crate's conversions and their error texts. */
import { rustDebugString } from '@momento-functions/aws-auth';

/**
 * One DynamoDB attribute value in DynamoDB's typed JSON (what `item::json` carries). Binary values
 * (`B`, `BS`) are base64 text; this package writes it without padding, as the crate does.
 *
 * @example
 * ```ts
 * const name: AttributeValue = { S: 'arthur' };
 * const age: AttributeValue = { N: '23' };
 * ```
 */
export type AttributeValue =
  | {
      /** Binary: the bytes as base64 text (written unpadded; padded and unpadded are read). */
      readonly B: string;
    }
  | {
      /** Boolean: `true` or `false`. */
      readonly BOOL: boolean;
    }
  | {
      /** Binary set: each element's bytes as base64 text, as for `B`. */
      readonly BS: readonly string[];
    }
  | {
      /** List: an ordered list of attribute values of any types. */
      readonly L: readonly AttributeValue[];
    }
  | {
      /** Map: nested attribute values by name. */
      readonly M: { readonly [name: string]: AttributeValue };
    }
  | {
      /** Number: the decimal text of the number (e.g. `'23'`, `'-1.5'`), kept as text so no precision is lost. */
      readonly N: string;
    }
  | {
      /** Number set: each number as decimal text, as for `N`. */
      readonly NS: readonly string[];
    }
  | {
      /** Null: always `true` for a null attribute. */
      readonly NULL: boolean;
    }
  | {
      /** String: UTF-8 text. */
      readonly S: string;
    }
  | {
      /** String set: distinct UTF-8 strings. */
      readonly SS: readonly string[];
    };

/**
 * An item: attribute name → typed value.
 *
 * @example
 * ```ts
 * const item: Item = { pk: { S: 'user-1' }, age: { N: '23' } };
 * ```
 */
export type Item = { readonly [name: string]: AttributeValue };

/**
 * A key attribute's value: a string (`S`), an integer (`N`) or bytes (`B`, sent as unpadded base64).
 *
 * @example
 * ```ts
 * const value: KeyValue = 42;
 * ```
 */
export type KeyValue = string | number | bigint | Uint8Array;

/**
 * A table key: the hash key, and the range key if the table has one, in that order (the crate's
 * `Key::Hash` / `Key::HashRange`).
 *
 * @example
 * ```ts
 * const key: Key = { pk: 'user-1', sk: 7 };
 * ```
 */
export type Key = { readonly [name: string]: KeyValue };

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Standard base64 **without padding** (the crate's `STANDARD_NO_PAD`).
 *
 * @example
 * ```ts
 * base64Encode(new Uint8Array([1])); // 'AQ'
 * ```
 */
export function base64Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    out += B64[a >> 2];
    out += B64[((a & 3) << 4) | ((b ?? 0) >> 4)];
    if (b !== undefined) out += B64[((b & 15) << 2) | ((c ?? 0) >> 6)];
    if (c !== undefined) out += B64[c & 63];
  }
  return out;
}

/**
 * Decodes standard base64, with or without `=` padding (the host hands back unpadded text; padded
 * text is accepted too).
 *
 * @throws BinaryConversionError on anything else.
 * @example
 * ```ts
 * base64Decode('AQ'); // Uint8Array [1]
 * ```
 */
export function base64Decode(text: string): Uint8Array {
  const bare = text.replace(/={1,2}$/, '');
  if (bare.length % 4 === 1)
    throw new BinaryConversionError({ kind: 'decode', detail: `Invalid input length.` });
  const out = new Uint8Array(Math.floor((bare.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let n = 0;
  for (let i = 0; i < bare.length; i++) {
    const v = B64.indexOf(bare[i] ?? '');
    if (v < 0) {
      throw new BinaryConversionError({
        kind: 'decode',
        detail: `Invalid symbol ${bare.charCodeAt(i)}, offset ${i}.`,
      });
    }
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/**
 * Builders for attribute values (the crate's `From` conversions).
 *
 * @example
 * ```ts
 * import { attr } from '@momento-functions/aws-ddb';
 * const item = { pk: attr.s('user-1'), age: attr.n(23), pic: attr.b(new Uint8Array([1, 2])) };
 * ```
 */
export const attr = {
  /** `{ S }`. @example attr.s('x') */
  s: (value: string): AttributeValue => ({ S: value }),
  /** `{ N }` from a number, bigint or numeric string. @example attr.n(42) */
  n: (value: number | bigint | string): AttributeValue => ({ N: String(value) }),
  /** `{ B }` as unpadded base64. @example attr.b(new Uint8Array([1])) */
  b: (value: Uint8Array): AttributeValue => ({ B: base64Encode(value) }),
  /** `{ BOOL }`. @example attr.bool(true) */
  bool: (value: boolean): AttributeValue => ({ BOOL: value }),
  /** `{ NULL: true }`. @example attr.null() */
  null: (): AttributeValue => ({ NULL: true }),
  /** `{ L }`. @example attr.l([attr.s('a')]) */
  l: (values: readonly AttributeValue[]): AttributeValue => ({ L: values }),
  /** `{ M }`. @example attr.m({ a: attr.s('x') }) */
  m: (values: Item): AttributeValue => ({ M: values }),
  /** `{ SS }`. @example attr.ss(['a', 'b']) */
  ss: (values: readonly string[]): AttributeValue => ({ SS: values }),
  /** `{ NS }`. @example attr.ns([1, 2]) */
  ns: (values: readonly (number | bigint | string)[]): AttributeValue => ({ NS: values.map(String) }),
  /** `{ BS }` as unpadded base64. @example attr.bs([new Uint8Array([1])]) */
  bs: (values: readonly Uint8Array[]): AttributeValue => ({ BS: values.map(base64Encode) }),
} as const;

const TYPE_NAMES: Record<string, string> = {
  B: 'Binary',
  BOOL: 'Boolean',
  BS: 'BinarySet',
  L: 'List',
  M: 'Map',
  N: 'Number',
  NS: 'NumberSet',
  NULL: 'Null',
  S: 'String',
  SS: 'StringSet',
};

/**
 * The crate's name of a value's type (`String`, `Number`, `Binary`, …).
 *
 * @example
 * ```ts
 * attributeTypeName({ N: '1' }); // 'Number'
 * ```
 */
export function attributeTypeName(value: AttributeValue): string {
  const tag = Object.keys(value)[0] ?? '';
  return TYPE_NAMES[tag] ?? tag;
}

/**
 * A value was not of the type asked for (the crate's `ConversionError::WrongType`).
 *
 * @example
 * ```ts
 * try { asString({ N: '1' }); } catch (e) { (e as ConversionError).message; } // 'Attribute was not of expected type. Expected: String, Actual: Number'
 * ```
 */
export class ConversionError extends Error {
  /**
   * Creates the wrong-type error; the message names both types in the crate's words.
   *
   * @param expected - the crate's type name asked for.
   * @param actual - the type found.
   * @example
   * ```ts
   * new ConversionError('String', 'Number').debug; // 'WrongType { expected: "String", actual: "Number" }'
   * ```
   */
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`Attribute was not of expected type. Expected: ${expected}, Actual: ${actual}`);
    this.name = 'ConversionError';
  }

  /**
   * The crate's Debug text.
   * @example
   * ```ts
   * new ConversionError('String', 'Number').debug;
   * ```
   */
  get debug(): string {
    return `WrongType { expected: ${rustDebugString(this.expected)}, actual: ${rustDebugString(this.actual)} }`;
  }
}

/**
 * A `B` value could not be decoded, or the value was not binary (the crate's
 * `BinaryConversionError`).
 *
 * @example
 * ```ts
 * try { asBytes({ B: '!' }); } catch (e) { (e as BinaryConversionError).message; } // 'Decode error: Invalid symbol 33, offset 0.'
 * ```
 */
export class BinaryConversionError extends Error {
  /**
   * Creates the error; the message is the crate's wrong-type text or `Decode error: <detail>`.
   *
   * @param detail - `wrong-type` with the type names, or `decode` with the decoder's message.
   * @example
   * ```ts
   * new BinaryConversionError({ kind: 'decode', detail: 'Invalid input length.' }).message; // 'Decode error: Invalid input length.'
   * ```
   */
  constructor(
    readonly detail:
      | {
          /** `'wrong-type'`: the attribute was not binary. */
          kind: 'wrong-type';
          /** The crate's name of the type asked for (`Binary`). */
          expected: string;
          /** The crate's name of the type found, e.g. `String`. */
          actual: string;
        }
      | {
          /** `'decode'`: the `B` text was not valid base64. */
          kind: 'decode';
          /** The base64 decoder's message, e.g. `Invalid symbol 33, offset 0.`. */
          detail: string;
        },
  ) {
    super(
      detail.kind === 'wrong-type'
        ? `Attribute was not of expected type. Expected: ${detail.expected}, Actual: ${detail.actual}`
        : `Decode error: ${detail.detail}`,
    );
    this.name = 'BinaryConversionError';
  }
}

/**
 * Why Rust's integer parse failed (the `kind` of its `ParseIntError`).
 *
 * @example
 * ```ts
 * const kind: ParseIntErrorKind = 'PosOverflow';
 * ```
 */
export type ParseIntErrorKind = 'Empty' | 'InvalidDigit' | 'PosOverflow' | 'NegOverflow';

const PARSE_INT_TEXT: Record<ParseIntErrorKind, string> = {
  Empty: 'cannot parse integer from empty string',
  InvalidDigit: 'invalid digit found in string',
  PosOverflow: 'number too large to fit in target type',
  NegOverflow: 'number too small to fit in target type',
};

/**
 * An `N` attribute could not be read as an integer, or the value was not a number (the crate's
 * `NumericConversionError`, what its `TryFrom<AttributeValue> for i64` fails with). The message is
 * the crate's Display: `Attribute was not of expected type. Expected: Number, Actual: String`, or
 * `ParseInt error: <Rust's ParseIntError text>`, such as
 * `ParseInt error: number too large to fit in target type` for a number that does not fit.
 *
 * @example
 * ```ts
 * try {
 *   asBigInt({ N: '9223372036854775808' });
 * } catch (e) {
 *   (e as NumericConversionError).message; // 'ParseInt error: number too large to fit in target type'
 * }
 * ```
 */
export class NumericConversionError extends Error {
  /**
   * Creates the error; the message is the crate's wrong-type text or `ParseInt error: <Rust's text>`.
   *
   * @param detail - `wrong-type` with the crate's type names, or `parse-int` with the kind of parse failure.
   * @example
   * ```ts
   * new NumericConversionError({ kind: 'parse-int', parseError: 'InvalidDigit' }).message; // 'ParseInt error: invalid digit found in string'
   * ```
   */
  constructor(
    readonly detail:
      | {
          /** `'wrong-type'`: the attribute was not a number. */
          readonly kind: 'wrong-type';
          /** The crate's name of the type asked for (`Number`). */
          readonly expected: string;
          /** The crate's name of the type found, e.g. `String`. */
          readonly actual: string;
        }
      | {
          /** `'parse-int'`: the `N` text is not a 64-bit integer. */
          readonly kind: 'parse-int';
          /** Why Rust's integer parse failed, e.g. `PosOverflow` for a value above 2^63-1. */
          readonly parseError: ParseIntErrorKind;
        },
  ) {
    super(
      detail.kind === 'wrong-type'
        ? `Attribute was not of expected type. Expected: ${detail.expected}, Actual: ${detail.actual}`
        : `ParseInt error: ${PARSE_INT_TEXT[detail.parseError]}`,
    );
    this.name = 'NumericConversionError';
  }

  /**
   * The crate's Debug text: `WrongType { expected: "Number", actual: "String" }` or
   * `ParseInt { cause: ParseIntError { kind: PosOverflow } }`.
   * @example
   * ```ts
   * new NumericConversionError({ kind: 'parse-int', parseError: 'Empty' }).debug; // 'ParseInt { cause: ParseIntError { kind: Empty } }'
   * ```
   */
  get debug(): string {
    const d = this.detail;
    return d.kind === 'wrong-type'
      ? `WrongType { expected: ${rustDebugString(d.expected)}, actual: ${rustDebugString(d.actual)} }`
      : `ParseInt { cause: ParseIntError { kind: ${d.parseError} } }`;
  }
}

const I64_MAX = 2n ** 63n - 1n;
const I64_MIN = -(2n ** 63n);

/**
 * Parses like Rust's `str::parse::<i64>`: an optional `+` or `-`, then ASCII digits only, checked
 * digit by digit so the first problem met is the one reported.
 */
function parseI64(text: string): bigint {
  const fail = (parseError: ParseIntErrorKind) =>
    new NumericConversionError({ kind: 'parse-int', parseError });
  if (text === '') throw fail('Empty');
  const negative = text[0] === '-';
  const digits = text[0] === '-' || text[0] === '+' ? text.slice(1) : text;
  if (digits === '') throw fail('InvalidDigit');
  let n = 0n;
  for (const c of digits) {
    if (c < '0' || c > '9') throw fail('InvalidDigit');
    const d = BigInt(c.charCodeAt(0) - 48);
    n = negative ? n * 10n - d : n * 10n + d;
    if (n > I64_MAX) throw fail('PosOverflow');
    if (n < I64_MIN) throw fail('NegOverflow');
  }
  return n;
}

function numberText(value: AttributeValue): string {
  if ('N' in value) return value.N;
  throw new NumericConversionError({
    kind: 'wrong-type',
    expected: 'Number',
    actual: attributeTypeName(value),
  });
}

/**
 * The value of an `S` attribute (the crate's `TryFrom<AttributeValue> for String`).
 *
 * @throws ConversionError for any other type.
 * @example
 * ```ts
 * asString({ S: 'x' }); // 'x'
 * ```
 */
export function asString(value: AttributeValue): string {
  if ('S' in value) return value.S;
  throw new ConversionError('String', attributeTypeName(value));
}

/**
 * The value of a `BOOL` attribute.
 *
 * @throws ConversionError for any other type.
 * @example
 * ```ts
 * asBoolean({ BOOL: true }); // true
 * ```
 */
export function asBoolean(value: AttributeValue): boolean {
  if ('BOOL' in value) return value.BOOL;
  throw new ConversionError('Boolean', attributeTypeName(value));
}

/**
 * The value of an `N` attribute as a number (an integer beyond 2^53 loses precision: use
 * {@link asBigInt}).
 *
 * @throws ConversionError for any other type, or a value that is not a number.
 * @example
 * ```ts
 * asNumber({ N: '23' }); // 23
 * ```
 */
export function asNumber(value: AttributeValue): number {
  if (!('N' in value)) throw new ConversionError('Number', attributeTypeName(value));
  const n = Number(value.N);
  if (value.N.trim() === '' || !Number.isFinite(n)) throw new ConversionError('Number', `N(${value.N})`);
  return n;
}

/**
 * The value of an `N` attribute as a 64-bit integer, exactly as the crate's
 * `TryFrom<AttributeValue> for i64` reads it: an optional sign and digits, from -2^63 to 2^63-1.
 *
 * @throws NumericConversionError for any other type (`Attribute was not of expected type. Expected:
 * Number, Actual: …`), or text that is not such an integer (`ParseInt error: invalid digit found in
 * string`, `… number too large to fit in target type`, …).
 * @example
 * ```ts
 * asBigInt({ N: '9007199254740993' }); // 9007199254740993n
 * ```
 */
export function asBigInt(value: AttributeValue): bigint {
  return parseI64(numberText(value));
}

/**
 * The value of an `N` attribute as an integer `number`: read as {@link asBigInt} does, then
 * refused with the crate's overflow texts unless it is a safe integer (|n| ≤ 2^53 - 1), so a
 * value is never silently rounded.
 *
 * @throws NumericConversionError as {@link asBigInt}, and `ParseInt error: number too large to fit
 * in target type` (or `too small`) beyond the safe range.
 * @example
 * ```ts
 * asInteger({ N: '42' }); // 42
 * asInteger({ N: '9007199254740993' }); // throws: ParseInt error: number too large to fit in target type
 * ```
 */
export function asInteger(value: AttributeValue): number {
  const n = asBigInt(value);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new NumericConversionError({ kind: 'parse-int', parseError: 'PosOverflow' });
  }
  if (n < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new NumericConversionError({ kind: 'parse-int', parseError: 'NegOverflow' });
  }
  return Number(n);
}

/**
 * The bytes of a `B` attribute (padded or unpadded base64).
 *
 * @throws BinaryConversionError for any other type, or text that is not base64.
 * @example
 * ```ts
 * asBytes({ B: 'AQI' }); // Uint8Array [1, 2]
 * ```
 */
export function asBytes(value: AttributeValue): Uint8Array {
  if (!('B' in value)) {
    throw new BinaryConversionError({
      kind: 'wrong-type',
      expected: 'Binary',
      actual: attributeTypeName(value),
    });
  }
  return base64Decode(value.B);
}
