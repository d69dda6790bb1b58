// Realm-safe type checks. A value may come from another JavaScript realm (a `vm` context, the
// glue of a component, an iframe): its `Uint8Array` is not this realm's `Uint8Array`, so
// `instanceof` says false. These checks read the values' internal slots instead, through the
// built-in getters that throw (or answer undefined) for anything else, so they cannot be fooled
// by a `Symbol.toStringTag` either.

const typedArrayTag = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Uint8Array.prototype) as object,
  Symbol.toStringTag,
)?.get;
const arrayBufferByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength')?.get;
const mapSize = Object.getOwnPropertyDescriptor(Map.prototype, 'size')?.get;
const setSize = Object.getOwnPropertyDescriptor(Set.prototype, 'size')?.get;
const toStringTag = (value: object): string => Object.prototype.toString.call(value);

/**
 * The typed array's kind (`'Uint8Array'`, `'Float64Array'`, ...) for a typed array of any realm;
 * `undefined` for anything else, a `DataView` included.
 */
export function typedArrayName(value: unknown): string | undefined {
  if (!ArrayBuffer.isView(value)) return undefined;
  const name: unknown = typedArrayTag?.call(value);
  return typeof name === 'string' ? name : undefined;
}

/** A `DataView` of any realm. */
export function isDataView(value: unknown): value is DataView {
  return ArrayBuffer.isView(value) && typedArrayName(value) === undefined;
}

/** An `ArrayBuffer` (not a `SharedArrayBuffer`) of any realm. */
export function isArrayBuffer(value: unknown): value is ArrayBuffer {
  if (value instanceof ArrayBuffer) return true;
  if (typeof value !== 'object' || value === null || toStringTag(value) !== '[object ArrayBuffer]')
    return false;
  return brandCheck(arrayBufferByteLength, value);
}

/** A `Map` of any realm. */
export function isMap(value: unknown): value is Map<unknown, unknown> {
  if (value instanceof Map) return true;
  if (typeof value !== 'object' || value === null || toStringTag(value) !== '[object Map]') return false;
  return brandCheck(mapSize, value);
}

/** A `Set` of any realm. */
export function isSet(value: unknown): value is Set<unknown> {
  if (value instanceof Set) return true;
  if (typeof value !== 'object' || value === null || toStringTag(value) !== '[object Set]') return false;
  return brandCheck(setSize, value);
}

/**
 * True when `value` is raw bytes that `Data.from` takes without encoding: a `Uint8Array`,
 * any other typed array, a `DataView` or an `ArrayBuffer`, **from any realm**. Unlike
 * `value instanceof Uint8Array`, it is also true for the typed arrays of another realm (a `vm`
 * context, a component's glue), which `instanceof` does not recognise.
 *
 * @param value - any value.
 * @example
 * ```ts
 * import { isByteSource, Data, encodeJson } from '@momento-functions/bytes';
 * const toBody = (value: unknown) => (isByteSource(value) ? Data.from(value) : encodeJson(value));
 * isByteSource(new Uint16Array(2)); // true
 * isByteSource('text');             // false
 * ```
 */
export function isByteSource(value: unknown): value is Uint8Array | ArrayBuffer | ArrayBufferView {
  return ArrayBuffer.isView(value) || isArrayBuffer(value);
}

function brandCheck(getter: ((this: unknown) => unknown) | undefined, value: object): boolean {
  if (getter === undefined) return false;
  try {
    getter.call(value);
    return true;
  } catch {
    return false;
  }
}
