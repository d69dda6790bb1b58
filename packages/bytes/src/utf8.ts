import { ExtractError } from './errors.js';

/** Where a byte sequence stops being valid UTF-8, with Rust's `Utf8Error` fields. */
export interface Utf8Failure {
  /** Number of leading bytes that are valid UTF-8. */
  readonly validUpTo: number;
  /** Length of the invalid sequence (1–3), or `undefined` when the input ends in the middle of a character. */
  readonly errorLength: number | undefined;
}

const isCont = (b: number | undefined): boolean => b !== undefined && (b & 0xc0) === 0x80;

/**
 * Finds the first invalid UTF-8 sequence in `bytes[start, end)`, following Rust's `str::from_utf8`
 * (maximal-subpart rule), or `undefined` when the range is valid.
 * @internal
 */
export function findUtf8Error(bytes: Uint8Array, start = 0, end = bytes.length): Utf8Failure | undefined {
  let i = start;
  while (i < end) {
    const first = bytes[i]!;
    if (first < 0x80) {
      i++;
      continue;
    }
    const at = (k: number): number | undefined => (i + k < end ? bytes[i + k] : undefined);
    const fail = (len: number | undefined): Utf8Failure => ({ validUpTo: i - start, errorLength: len });
    if (first >= 0xc2 && first <= 0xdf) {
      const b1 = at(1);
      if (b1 === undefined) return fail(undefined);
      if (!isCont(b1)) return fail(1);
      i += 2;
    } else if (first >= 0xe0 && first <= 0xef) {
      const b1 = at(1);
      if (b1 === undefined) return fail(undefined);
      const ok =
        (first === 0xe0 && b1 >= 0xa0 && b1 <= 0xbf) ||
        (first >= 0xe1 && first <= 0xec && isCont(b1)) ||
        (first === 0xed && b1 >= 0x80 && b1 <= 0x9f) ||
        (first >= 0xee && isCont(b1));
      if (!ok) return fail(1);
      const b2 = at(2);
      if (b2 === undefined) return fail(undefined);
      if (!isCont(b2)) return fail(2);
      i += 3;
    } else if (first >= 0xf0 && first <= 0xf4) {
      const b1 = at(1);
      if (b1 === undefined) return fail(undefined);
      const ok =
        (first === 0xf0 && b1 >= 0x90 && b1 <= 0xbf) ||
        (first >= 0xf1 && first <= 0xf3 && isCont(b1)) ||
        (first === 0xf4 && b1 >= 0x80 && b1 <= 0x8f);
      if (!ok) return fail(1);
      const b2 = at(2);
      if (b2 === undefined) return fail(undefined);
      if (!isCont(b2)) return fail(2);
      const b3 = at(3);
      if (b3 === undefined) return fail(undefined);
      if (!isCont(b3)) return fail(3);
      i += 4;
    } else {
      return fail(1);
    }
  }
  return undefined;
}

/**
 * Rust's `Utf8Error` Display text: `invalid utf-8 sequence of N bytes from index I`, or
 * `incomplete utf-8 byte sequence from index I`.
 * @internal
 */
export function describeUtf8Error(failure: Utf8Failure): string {
  return failure.errorLength === undefined
    ? `incomplete utf-8 byte sequence from index ${failure.validUpTo}`
    : `invalid utf-8 sequence of ${failure.errorLength} bytes from index ${failure.validUpTo}`;
}

type Decoder = { decode(input: Uint8Array): string };
type Encoder = { encode(input: string): Uint8Array };
let strictDecoder: Decoder | null | undefined;
let encoder: Encoder | null | undefined;

function getDecoder(): Decoder | null {
  if (strictDecoder === undefined) {
    try {
      // ignoreBOM keeps a leading U+FEFF in the text, like Rust's String::from_utf8.
      strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    } catch {
      strictDecoder = null;
    }
  }
  return strictDecoder;
}

function decodeSlow(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  const n = bytes.length;
  const units: number[] = [];
  while (i < n) {
    const b = bytes[i]!;
    let cp: number;
    if (b < 0x80) {
      cp = b;
      i += 1;
    } else if (b < 0xe0) {
      cp = ((b & 0x1f) << 6) | (bytes[i + 1]! & 0x3f);
      i += 2;
    } else if (b < 0xf0) {
      cp = ((b & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f);
      i += 3;
    } else {
      cp =
        ((b & 0x07) << 18) |
        ((bytes[i + 1]! & 0x3f) << 12) |
        ((bytes[i + 2]! & 0x3f) << 6) |
        (bytes[i + 3]! & 0x3f);
      i += 4;
    }
    if (cp > 0xffff) {
      cp -= 0x10000;
      units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else {
      units.push(cp);
    }
    if (units.length >= 8192) {
      out += String.fromCharCode(...units);
      units.length = 0;
    }
  }
  return out + String.fromCharCode(...units);
}

/**
 * Decodes UTF-8 strictly (like Rust's `String::from_utf8`): a leading BOM is kept, and invalid input
 * throws an {@link ExtractError} (kind `'utf8'`) whose message names the byte index.
 * @internal
 */
export function decodeUtf8Strict(bytes: Uint8Array): string {
  const decoder = getDecoder();
  if (decoder) {
    try {
      return decoder.decode(bytes);
    } catch (cause) {
      const failure = findUtf8Error(bytes);
      if (failure) throw utf8Error(failure);
      throw new ExtractError(`invalid utf-8: ${String(cause)}`, { kind: 'utf8', cause });
    }
  }
  const failure = findUtf8Error(bytes);
  if (failure) throw utf8Error(failure);
  return decodeSlow(bytes);
}

function utf8Error(failure: Utf8Failure): ExtractError {
  const reason = describeUtf8Error(failure);
  return new ExtractError(reason, { kind: 'utf8', reason });
}

/**
 * Encodes a string as UTF-8 (lone surrogates become U+FFFD, as with `TextEncoder`).
 * @internal
 */
export function encodeUtf8(text: string): Uint8Array {
  if (encoder === undefined) {
    try {
      encoder = new TextEncoder();
    } catch {
      encoder = null;
    }
  }
  if (encoder) return encoder.encode(text);
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else cp = 0xfffd;
    } else if (cp >= 0xdc00 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else
      out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return Uint8Array.from(out);
}
