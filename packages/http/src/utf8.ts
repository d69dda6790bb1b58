const decoder = new TextDecoder('utf-8');

/** `true` when `bytes` is well-formed UTF-8 (no overlongs, surrogates or values above U+10FFFF). */
export function isUtf8(bytes: Uint8Array): boolean {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let cp: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
      cp = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
      cp = b & 0x0f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
      cp = b & 0x07;
    } else {
      return false;
    }
    if (i + need >= n) return false;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += need + 1;
  }
  return true;
}

/** Decodes UTF-8, or returns `undefined` when `bytes` is not valid UTF-8. */
export function utf8OrUndefined(bytes: Uint8Array | undefined): string | undefined {
  if (bytes === undefined || !isUtf8(bytes)) return undefined;
  return decoder.decode(bytes);
}

/** Decodes UTF-8, replacing invalid sequences with U+FFFD (WHATWG "UTF-8 decode"). */
export function utf8Lossy(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
