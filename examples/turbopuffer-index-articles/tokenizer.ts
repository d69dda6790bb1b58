// The cl100k_base tokenizer (OpenAI's text-embedding-3 models) as the Rust example uses
// tiktoken-rs: `encode_with_special_tokens` (special tokens such as `<|endoftext|>` in the text
// count as one token each) and `decode`, which fails when the tokens' bytes are not whole UTF-8 (a
// cut inside a character) rather than replacing them.
//
// The ranks are js-tiktoken's (`js-tiktoken/ranks/cl100k_base`), the algorithm tiktoken's byte
// pair merge. js-tiktoken's own `Tiktoken` class does not fit the component: its pattern uses
// `\p{L}`/`\p{N}`, which StarlingMonkey's regular expressions (no ICU) reject, and its tables (a
// `Uint8Array` and a comma-joined key per token) take 6–9 s to build in each invocation, or 47 MB
// more component when built into the snapshot. Here the 100k tokens are kept as one `Map` from
// "binary" strings (one char per byte) to ranks, built at the module's top level so that the
// build's snapshot (wizer) holds it ready (+4 MB of component).
import cl100k_base from 'js-tiktoken/ranks/cl100k_base';
import { LETTER, NUMBER } from './unicode-classes.js';

/** Rust regex's `\s` (Unicode White_Space; JavaScript's `\s` differs by U+0085 and U+FEFF). */
const SPACE =
  '\\t\\n\\v\\f\\r \\u{85}\\u{A0}\\u{1680}\\u{2000}-\\u{200A}\\u{2028}\\u{2029}\\u{202F}\\u{205F}\\u{3000}';

/**
 * tiktoken's cl100k_base pattern,
 * `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
 * with the classes spelled out (`(?i:s)` also matches U+017F ſ, as Rust's case folding does).
 */
const PATTERN = new RegExp(
  [
    "'[sSſ]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD]",
    `[^\\r\\n${LETTER}${NUMBER}]?[${LETTER}]+`,
    `[${NUMBER}]{1,3}`,
    ` ?[^${SPACE}${LETTER}${NUMBER}]+[\\r\\n]*`,
    `[${SPACE}]*[\\r\\n]+`,
    `[${SPACE}]+(?![^${SPACE}])`,
    `[${SPACE}]+`,
  ].join('|'),
  'gu',
);

const SPECIAL_TOKENS: Record<string, number> = cl100k_base.special_tokens;
const SPECIAL = new RegExp(
  Object.keys(SPECIAL_TOKENS)
    .map((s) => s.replace(/[\\^$*+?.()|[\]{}]/g, '\\$&'))
    .join('|'),
  'g',
);

/** Rank by token bytes (as a binary string), and token bytes by rank. */
const RANKS = new Map<string, number>();
const TOKENS: string[] = [];
// js-tiktoken's format: lines `<name> <first rank> <base64 token> <base64 token> …`, ranks consecutive.
for (const line of cl100k_base.bpe_ranks.split('\n')) {
  const fields = line.split(' ');
  const first = Number(fields[1]);
  for (let i = 2; i < fields.length; i++) {
    const token = atob(fields[i] as string);
    RANKS.set(token, first + i - 2);
    TOKENS[first + i - 2] = token;
  }
}
for (const [text, rank] of Object.entries(SPECIAL_TOKENS)) TOKENS[rank] = text; // all ASCII

/** tiktoken's `byte_pair_encode`: merges the lowest-ranked adjacent pair until none is a token. */
function bytePairEncode(piece: string, out: number[]): void {
  // parts[i]: start of the i-th part; the last entry is the piece's end.
  const parts: number[] = [];
  for (let i = 0; i <= piece.length; i++) parts.push(i);
  const rankOf = (i: number) =>
    i + 2 < parts.length ? (RANKS.get(piece.slice(parts[i], parts[i + 2])) ?? Infinity) : Infinity;
  const ranks = parts.map((_, i) => rankOf(i));
  while (parts.length > 2) {
    let min = Infinity;
    let at = -1;
    for (let i = 0; i < ranks.length - 2; i++) {
      if ((ranks[i] as number) < min) {
        min = ranks[i] as number;
        at = i;
      }
    }
    if (at < 0) break;
    parts.splice(at + 1, 1);
    ranks.splice(at + 1, 1);
    ranks[at] = rankOf(at);
    if (at > 0) ranks[at - 1] = rankOf(at - 1);
  }
  for (let i = 0; i + 1 < parts.length; i++) {
    out.push(RANKS.get(piece.slice(parts[i], parts[i + 1])) as number);
  }
}

/** The UTF-8 bytes of `text` as a binary string (the texts come from JSON: no lone surrogates). */
const utf8Binary = (text: string): string => unescape(encodeURIComponent(text));

function encodeOrdinary(text: string, out: number[]): void {
  for (const [match] of text.matchAll(PATTERN)) {
    const piece = utf8Binary(match);
    const rank = RANKS.get(piece);
    if (rank !== undefined) out.push(rank);
    else bytePairEncode(piece, out);
  }
}

/** `CoreBPE::encode_with_special_tokens`: the tokens of `text`, special tokens allowed. */
export function encodeWithSpecialTokens(text: string): number[] {
  const out: number[] = [];
  let start = 0;
  for (const special of text.matchAll(SPECIAL)) {
    encodeOrdinary(text.slice(start, special.index), out);
    out.push(SPECIAL_TOKENS[special[0]] as number);
    start = special.index + special[0].length;
  }
  encodeOrdinary(text.slice(start), out);
  return out;
}

// Run the pattern once while the snapshot is taken: its compiled form is then part of the
// component instead of being compiled again by each invocation's first match.
encodeWithSpecialTokens("Warm-up: it's 1234 words,\n\n  été 東京 <|endoftext|>");

/** The bytes of `tokens` (`CoreBPE::decode_bytes`). */
export function tokenBytes(tokens: readonly number[]): Uint8Array {
  const text = tokens.map((t) => TOKENS[t] ?? '').join('');
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * `CoreBPE::decode`: the text of `tokens`, or `{ error }` with tiktoken-rs's message
 * (`Unable to decode into a valid UTF-8 string: <Rust's Utf8Error>`) when the bytes are not UTF-8.
 */
export function decode(tokens: readonly number[]): string | { error: string } {
  const bytes = tokenBytes(tokens);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { error: `Unable to decode into a valid UTF-8 string: ${utf8Error(bytes)}` };
  }
}

/** Rust's `Utf8Error` display for bytes that are not valid UTF-8. */
export function utf8Error(bytes: Uint8Array): string {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    // The sequence's length and the range of its second byte (Unicode table 3-7).
    let len = 1;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) len = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      len = 3;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      len = 4;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else if (b >= 0x80) return `invalid utf-8 sequence of 1 bytes from index ${i}`;
    for (let k = 1; k < len; k++) {
      if (i + k >= bytes.length) return `incomplete utf-8 byte sequence from index ${i}`;
      const c = bytes[i + k] as number;
      if (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) {
        return `invalid utf-8 sequence of ${k} bytes from index ${i}`;
      }
    }
    i += len;
  }
  return 'valid utf-8';
}
