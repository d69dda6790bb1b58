/**
 * Caps the linear memory a core module may grow to by rewriting the maximum of the memories it
 * defines. `memory.grow` past the cap then fails inside the guest (its allocator reports out of
 * memory and it traps), which is a real per-instance memory limit without watching the guest.
 */

/** Size of one wasm page. */
export const WASM_PAGE_BYTES = 65536;

function readLeb(bytes: Uint8Array, offset: number): { value: number; next: number } {
  let result = 0;
  let shift = 0;
  let pos = offset;
  for (;;) {
    const byte = bytes[pos++];
    if (byte === undefined) throw new Error('truncated LEB128 in wasm module');
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) break;
    shift += 7;
  }
  return { value: result, next: pos };
}

function writeLeb(value: number): number[] {
  const out: number[] = [];
  let v = value;
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    out.push(byte);
  } while (v > 0);
  return out;
}

/** Thrown when a module needs more initial memory than the cap allows. */
export class MemoryCapError extends Error {
  override name = 'MemoryCapError';
}

/**
 * Returns a copy of `module` whose defined 32-bit memories have `max ≤ maxPages` (modules that
 * define no memory come back unchanged). Shared and 64-bit memories are left alone.
 *
 * @example
 * const capped = capMemory(coreBytes, 2048); // at most 128 MiB
 */
export function capMemory(module: Uint8Array, maxPages: number): Uint8Array {
  if (
    module.length < 8 ||
    module[0] !== 0 ||
    module[1] !== 0x61 ||
    module[2] !== 0x73 ||
    module[3] !== 0x6d
  ) {
    throw new Error('not a core wasm module (bad magic number)');
  }
  const parts: Uint8Array[] = [module.subarray(0, 8)];
  let pos = 8;
  let changed = false;
  while (pos < module.length) {
    const id = module[pos]!;
    const size = readLeb(module, pos + 1);
    const start = size.next;
    const end = start + size.value;
    if (id !== 5) {
      parts.push(module.subarray(pos, end));
      pos = end;
      continue;
    }
    const count = readLeb(module, start);
    const body: number[] = [...writeLeb(count.value)];
    let p = count.next;
    for (let i = 0; i < count.value; i++) {
      const flags = module[p]!;
      const min = readLeb(module, p + 1);
      let max: { value: number; next: number } | undefined;
      if (flags & 1) max = readLeb(module, min.next);
      const next = max ? max.next : min.next;
      if (flags === 0 || flags === 1) {
        if (min.value > maxPages) {
          throw new MemoryCapError(
            `the module needs ${(min.value * WASM_PAGE_BYTES) / 1048576} MiB of initial memory, above the memory limit of ${(maxPages * WASM_PAGE_BYTES) / 1048576} MiB; raise limits.memoryBytes`,
          );
        }
        const newMax = Math.min(max ? max.value : Number.POSITIVE_INFINITY, maxPages);
        body.push(1, ...writeLeb(min.value), ...writeLeb(newMax));
        changed = true;
      } else {
        for (let k = p; k < next; k++) body.push(module[k]!);
      }
      p = next;
    }
    parts.push(Uint8Array.of(5, ...writeLeb(body.length), ...body));
    pos = end;
  }
  if (!changed) return module;
  const total = parts.reduce((n, part) => n + part.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const part of parts) {
    out.set(part, o);
    o += part.length;
  }
  return out;
}
