import { ExtractError, type SourcePosition } from './errors.js';
import { decodeUtf8Strict, findUtf8Error } from './utf8.js';

/** serde_json's nesting limit: 128 levels of `[`/`{` fail with "recursion limit exceeded". */
const MAX_DEPTH = 128;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

class Failure {
  constructor(
    readonly reason: string,
    readonly index: number,
  ) {}
}

const isWs = (b: number | undefined): boolean => b === 0x20 || b === 0x0a || b === 0x09 || b === 0x0d;
const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39;
const isHex = (b: number | undefined): boolean =>
  b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));

/** The position serde_json reports for a byte index: 1-based line, count of bytes consumed on that line. */
export function positionOf(bytes: Uint8Array, index: number): SourcePosition {
  let line = 1;
  let column = 0;
  const end = Math.min(index, bytes.length);
  for (let k = 0; k < end; k++) {
    if (bytes[k] === 0x0a) {
      line++;
      column = 0;
    } else column++;
  }
  return { line, column };
}

/**
 * A validating JSON scanner over UTF-8 bytes that reproduces serde_json's error messages and the
 * byte index its position is computed from. With a `target` path it also records where the value at
 * each prefix of that path ends (used to place schema errors).
 */
class Scanner {
  i = 0;
  depth = 0;
  readonly ends: number[] = [];

  constructor(
    readonly b: Uint8Array,
    readonly target: readonly PropertyKey[] = [],
  ) {}

  private fail(reason: string, index: number): never {
    throw new Failure(reason, index);
  }

  /** serde_json's peek_error: the position just after the peeked byte (or the end). */
  private peekFail(reason: string): never {
    this.fail(reason, Math.min(this.b.length, this.i + 1));
  }

  private skipWs(): number | undefined {
    const b = this.b;
    while (this.i < b.length && isWs(b[this.i])) this.i++;
    return this.i < b.length ? b[this.i] : undefined;
  }

  document(): void {
    this.value(0);
    if (this.skipWs() !== undefined) this.peekFail('trailing characters');
  }

  /** Parses one value; `match` is how many target path segments lead here, or -1 when off the path. */
  private value(match: number): void {
    const c = this.skipWs();
    if (c === undefined) this.peekFail('EOF while parsing a value');
    switch (c) {
      case 0x6e: // n
        this.ident('ull');
        break;
      case 0x74: // t
        this.ident('rue');
        break;
      case 0x66: // f
        this.ident('alse');
        break;
      case QUOTE:
        this.string();
        break;
      case 0x5b: // [
        this.array(match);
        break;
      case 0x7b: // {
        this.object(match);
        break;
      default:
        if (c === 0x2d || isDigit(c)) this.number();
        else this.peekFail('expected value');
    }
    if (match >= 0) this.ends[match] = this.i;
  }

  private ident(rest: string): void {
    this.i++;
    for (let k = 0; k < rest.length; k++) {
      if (this.i >= this.b.length) this.fail('EOF while parsing a value', this.i);
      const got = this.b[this.i++];
      if (got !== rest.charCodeAt(k)) this.fail('expected ident', this.i);
    }
  }

  private number(): void {
    const b = this.b;
    const start = this.i;
    if (b[this.i] === 0x2d) this.i++;
    const first = b[this.i];
    if (first === undefined) this.fail('EOF while parsing a value', this.i);
    if (first === 0x30) {
      this.i++;
      if (isDigit(b[this.i])) this.peekFail('invalid number');
    } else if (isDigit(first)) {
      while (isDigit(b[this.i])) this.i++;
    } else {
      this.i++;
      this.fail('invalid number', this.i);
    }
    let float = false;
    if (b[this.i] === 0x2e) {
      float = true;
      this.i++;
      if (!isDigit(b[this.i])) {
        if (this.i >= b.length) this.fail('EOF while parsing a value', this.i);
        this.peekFail('invalid number');
      }
      while (isDigit(b[this.i])) this.i++;
    }
    if (b[this.i] === 0x65 || b[this.i] === 0x45) {
      float = true;
      this.i++;
      if (b[this.i] === 0x2b || b[this.i] === 0x2d) this.i++;
      if (!isDigit(b[this.i])) {
        if (this.i >= b.length) this.fail('EOF while parsing a value', this.i);
        this.i++;
        this.fail('invalid number', this.i);
      }
      while (isDigit(b[this.i])) this.i++;
    }
    // serde_json parses integers that overflow u64/i64 as floats too, so any infinite value is out of range.
    if (
      (float || this.i - start > 300) &&
      !Number.isFinite(Number(decodeUtf8Strict(b.subarray(start, this.i))))
    ) {
      this.fail('number out of range', this.i);
    }
  }

  /** Parses a string starting at its opening quote; returns the byte range of the raw content. */
  private string(): [number, number] {
    const b = this.b;
    this.i++;
    const start = this.i;
    for (;;) {
      if (this.i >= b.length) this.fail('EOF while parsing a string', b.length);
      const c = b[this.i]!;
      if (c === QUOTE) {
        const end = this.i;
        this.i++;
        const bad = findUtf8Error(b, start, end);
        // serde_json reports the position just past the first byte of the invalid sequence.
        if (bad) this.fail('invalid unicode code point', start + bad.validUpTo + 1);
        return [start, end];
      }
      if (c === BACKSLASH) {
        this.i++;
        this.escape();
      } else if (c < 0x20) {
        this.i++;
        this.fail('control character (\\u0000-\\u001F) found while parsing a string', this.i);
      } else this.i++;
    }
  }

  private escape(): void {
    const b = this.b;
    if (this.i >= b.length) this.fail('EOF while parsing a string', this.i);
    const ch = b[this.i++]!;
    switch (ch) {
      case QUOTE:
      case BACKSLASH:
      case 0x2f: // /
      case 0x62: // b
      case 0x66: // f
      case 0x6e: // n
      case 0x72: // r
      case 0x74: // t
        return;
      case 0x75: {
        // u
        const n = this.hex4();
        if (n >= 0xdc00 && n <= 0xdfff) this.fail('lone leading surrogate in hex escape', this.i);
        if (n < 0xd800 || n > 0xdbff) return;
        if (this.i >= b.length) this.fail('EOF while parsing a string', this.i);
        if (b[this.i] !== BACKSLASH) {
          this.i++;
          this.fail('unexpected end of hex escape', this.i);
        }
        this.i++;
        if (this.i >= b.length) this.fail('EOF while parsing a string', this.i);
        if (b[this.i] !== 0x75) {
          this.i++;
          this.fail('unexpected end of hex escape', this.i);
        }
        this.i++;
        const n2 = this.hex4();
        if (n2 < 0xdc00 || n2 > 0xdfff) this.fail('lone leading surrogate in hex escape', this.i);
        return;
      }
      default:
        this.fail('invalid escape', this.i);
    }
  }

  private hex4(): number {
    const b = this.b;
    if (this.i + 4 > b.length) this.fail('EOF while parsing a string', b.length);
    let n = 0;
    for (let k = 0; k < 4; k++) {
      const h = b[this.i + k];
      if (!isHex(h)) {
        this.i += 4;
        this.fail('invalid escape', this.i);
      }
      n = n * 16 + Number.parseInt(String.fromCharCode(h!), 16);
    }
    this.i += 4;
    return n;
  }

  private enter(): void {
    if (++this.depth >= MAX_DEPTH) this.peekFail('recursion limit exceeded');
    this.i++;
  }

  private array(match: number): void {
    this.enter();
    const onPath = match >= 0 && match < this.target.length;
    let index = 0;
    for (let first = true; ; first = false) {
      let c = this.skipWs();
      if (c === undefined) this.peekFail('EOF while parsing a list');
      if (c === 0x5d) {
        this.i++;
        break;
      }
      if (!first) {
        if (c !== 0x2c) this.peekFail('expected `,` or `]`');
        this.i++;
        c = this.skipWs();
        if (c === undefined) this.peekFail('EOF while parsing a value');
        if (c === 0x5d) this.peekFail('trailing comma');
      }
      this.value(onPath && String(this.target[match]) === String(index) ? match + 1 : -1);
      index++;
    }
    this.depth--;
  }

  private object(match: number): void {
    this.enter();
    const onPath = match >= 0 && match < this.target.length;
    for (let first = true; ; first = false) {
      let c = this.skipWs();
      if (c === undefined) this.peekFail('EOF while parsing an object');
      if (c === 0x7d) {
        this.i++;
        break;
      }
      if (!first) {
        if (c !== 0x2c) this.peekFail('expected `,` or `}`');
        this.i++;
        c = this.skipWs();
        if (c === undefined) this.peekFail('EOF while parsing a value');
        if (c === 0x7d) this.peekFail('trailing comma');
      }
      if (c !== QUOTE) this.peekFail('key must be a string');
      const keyStart = this.i;
      this.string();
      let childMatch = -1;
      if (onPath) {
        const key = JSON.parse(decodeUtf8Strict(this.b.subarray(keyStart, this.i))) as string;
        if (key === String(this.target[match])) childMatch = match + 1;
      }
      const colon = this.skipWs();
      if (colon === undefined) this.peekFail('EOF while parsing an object');
      if (colon !== 0x3a) this.peekFail('expected `:`');
      this.i++;
      this.value(childMatch);
    }
    this.depth--;
  }
}

/**
 * Finds the first syntax error in `bytes` with serde_json's message and position, or `undefined`
 * when the bytes are valid JSON.
 * @internal
 */
export function findJsonSyntaxError(
  bytes: Uint8Array,
): { reason: string; position: SourcePosition } | undefined {
  try {
    new Scanner(bytes).document();
    return undefined;
  } catch (e) {
    if (e instanceof Failure) return { reason: e.reason, position: positionOf(bytes, e.index) };
    throw e;
  }
}

/**
 * For a valid JSON document, the serde-like position of the end of the value at `path`, or of the
 * deepest existing ancestor when the path does not exist (a missing field is reported at the end of
 * its object, like serde_json does). `undefined` if the document cannot be scanned.
 * @internal
 */
export function locatePath(bytes: Uint8Array, path: readonly PropertyKey[]): SourcePosition | undefined {
  const scanner = new Scanner(bytes, path);
  try {
    scanner.document();
  } catch {
    return undefined;
  }
  for (let d = Math.min(path.length, scanner.ends.length - 1); d >= 0; d--) {
    const end = scanner.ends[d];
    if (end !== undefined) return positionOf(bytes, end);
  }
  return undefined;
}

/** Texts that may hold a number JSON.parse turns into Infinity (serde_json: "number out of range"). */
const MAYBE_OUT_OF_RANGE = /[eE][+-]?\d{3}|\d{300}/;
/** Texts with a `\uD800`–`\uDFFF` escape, which JSON.parse accepts unpaired and serde_json does not. */
const SURROGATE_ESCAPE = /\\u[dD][89abAB]|\\u[dD][c-fC-F]/;

function hasNonFinite(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (typeof value !== 'object' || value === null) return false;
  for (const child of Array.isArray(value) ? value : Object.values(value))
    if (hasNonFinite(child)) return true;
  return false;
}

function jsonError(found: { reason: string; position: SourcePosition }, cause?: unknown): ExtractError {
  const { reason, position } = found;
  return new ExtractError(`${reason} at line ${position.line} column ${position.column}`, {
    kind: 'json',
    reason,
    position,
    cause,
  });
}

/**
 * Parses UTF-8 JSON bytes like `serde_json::from_slice` into a JavaScript value. Errors are
 * {@link ExtractError}s (kind `'json'`) with serde_json's wording and position.
 *
 * The fast path is the engine's `JSON.parse`; the byte scanner only runs to explain a failure, or
 * when the text may hold something JSON.parse accepts and serde_json rejects (an unpaired surrogate
 * escape, a number out of the f64 range).
 * @internal
 */
export function parseJsonBytes(bytes: Uint8Array): unknown {
  let value: unknown;
  try {
    const text = decodeUtf8Strict(bytes);
    value = JSON.parse(text);
    if (!SURROGATE_ESCAPE.test(text) && !(MAYBE_OUT_OF_RANGE.test(text) && hasNonFinite(value))) return value;
  } catch (cause) {
    const found = findJsonSyntaxError(bytes);
    if (found) throw jsonError(found, cause);
    throw new ExtractError(`invalid JSON: ${cause instanceof Error ? cause.message : String(cause)}`, {
      kind: 'json',
      cause,
    });
  }
  const found = findJsonSyntaxError(bytes);
  if (found) throw jsonError(found);
  return value;
}
