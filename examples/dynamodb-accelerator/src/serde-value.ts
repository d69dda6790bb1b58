/**
 * A JSON value with `serde_json::Value` semantics (serde_json built without `preserve_order`, as
 * the Rust example is): object keys sorted by their UTF-8 bytes (a `BTreeMap`, a repeated key keeps
 * the last value), integers kept exact as `u64`/`i64`, other numbers as `f64` printed like Rust's
 * `ryu` (`1.0` stays `1.0`, `1e2` becomes `100.0`), strings decoded (`\u00e9` becomes `é`).
 *
 * The Rust example builds its cache key by serializing such a value, so the TypeScript port
 * produces byte-identical keys with it. The input must already be valid JSON (parse it with
 * `Data.json()` / `parseJson` first for serde_json's error texts).
 */
import { rustDebugString } from '@momento-functions/bytes';
export type SerdeValue =
  | { readonly kind: 'null' }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'array'; readonly items: readonly SerdeValue[] }
  | { readonly kind: 'object'; readonly entries: ReadonlyMap<string, SerdeValue> };

const U64_MAX = 2n ** 64n - 1n;
const I64_MIN = -(2n ** 63n);

/** Parses valid JSON text into a {@link SerdeValue}. */
export function parseSerdeValue(text: string): SerdeValue {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const fail = (what: string): never => {
    throw new SyntaxError(`invalid JSON at index ${i}: ${what}`);
  };
  const value = (): SerdeValue => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const entries = new Map<string, SerdeValue>();
      ws();
      if (text[i] === '}') {
        i++;
        return { kind: 'object', entries: sortEntries(entries) };
      }
      for (;;) {
        ws();
        const key = string();
        ws();
        if (text[i++] !== ':') fail("expected ':'");
        entries.set(key, value());
        ws();
        const next = text[i++];
        if (next === '}') return { kind: 'object', entries: sortEntries(entries) };
        if (next !== ',') fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const items: SerdeValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { kind: 'array', items };
      }
      for (;;) {
        items.push(value());
        ws();
        const next = text[i++];
        if (next === ']') return { kind: 'array', items };
        if (next !== ',') fail("expected ',' or ']'");
      }
    }
    if (c === '"') return { kind: 'string', value: string() };
    if (text.startsWith('true', i)) {
      i += 4;
      return { kind: 'bool', value: true };
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return { kind: 'bool', value: false };
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return { kind: 'null' };
    }
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (!match) return fail('expected a value');
    i += match[0].length;
    return { kind: 'number', text: serdeNumber(match[0]) };
  };
  const string = (): string => {
    if (text[i] !== '"') fail('expected a string');
    let j = i + 1;
    while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    const raw = text.slice(i, j + 1);
    i = j + 1;
    return JSON.parse(raw) as string;
  };
  const result = value();
  ws();
  if (i !== text.length) fail('trailing characters');
  return result;
}

/** serde_json's text for a JSON number: exact integers within u64/i64, otherwise an f64 via ryu. */
export function serdeNumber(source: string): string {
  if (/^-?\d+$/.test(source)) {
    const big = BigInt(source);
    if ((big >= 0n && big <= U64_MAX) || (big < 0n && big >= I64_MIN)) return big.toString();
  }
  return ryu(Number(source));
}

/** Rust `ryu` formatting of a finite f64 (what serde_json writes for floats). */
export function ryu(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`${n} is not a finite number`);
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const sign = n < 0 ? '-' : '';
  const [mantissa = '', exponent = '0'] = Math.abs(n).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const length = digits.length;
  const kk = Number(exponent) + 1; // position of the decimal point from the first digit
  const k = kk - length;
  let out: string;
  if (k >= 0 && kk <= 16) out = `${digits}${'0'.repeat(k)}.0`;
  else if (kk > 0 && kk <= 16) out = `${digits.slice(0, kk)}.${digits.slice(kk)}`;
  else if (kk > -5 && kk <= 0) out = `0.${'0'.repeat(-kk)}${digits}`;
  else if (length === 1) out = `${digits}e${kk - 1}`;
  else out = `${digits[0]}.${digits.slice(1)}e${kk - 1}`;
  return sign + out;
}

const utf8 = new TextEncoder();
function compareUtf8(a: string, b: string): number {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
}

function sortEntries(entries: Map<string, SerdeValue>): Map<string, SerdeValue> {
  return new Map([...entries].sort(([a], [b]) => compareUtf8(a, b)));
}

/** serde_json's string escaping: `"` `\` and control characters; everything else raw. */
export function serdeString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Compact JSON, like `serde_json::to_string(&value)`. */
export function serializeSerdeValue(value: SerdeValue): string {
  switch (value.kind) {
    case 'null':
      return 'null';
    case 'bool':
      return value.value ? 'true' : 'false';
    case 'number':
      return value.text;
    case 'string':
      return serdeString(value.value);
    case 'array':
      return `[${value.items.map(serializeSerdeValue).join(',')}]`;
    case 'object':
      return `{${[...value.entries].map(([k, v]) => `${serdeString(k)}:${serializeSerdeValue(v)}`).join(',')}}`;
  }
}

/** `serde_json::Value`'s `{:?}`: `Object {"k": String("v")}`, `Array [Number(1)]`, `Null`, ... */
export function debugSerdeValue(value: SerdeValue): string {
  switch (value.kind) {
    case 'null':
      return 'Null';
    case 'bool':
      return `Bool(${value.value})`;
    case 'number':
      return `Number(${value.text})`;
    case 'string':
      return `String(${rustDebugString(value.value)})`;
    case 'array':
      return `Array [${value.items.map(debugSerdeValue).join(', ')}]`;
    case 'object':
      return `Object {${[...value.entries].map(([k, v]) => `${rustDebugString(k)}: ${debugSerdeValue(v)}`).join(', ')}}`;
  }
}
