// Turbopuffer's v2 API as the Rust examples call it: `POST <base>/v2/namespaces/<namespace>`
// (writes) and `…/query` (queries), with `Authorization: Bearer $TURBOPUFFER_API_KEY`,
// `Content-Type: application/json`, `Accept: */*` and `User-Agent: momento-turbopuffer-example`.
// The base is `https://$TURBOPUFFER_REGION.turbopuffer.com` unless the function's configuration
// sets `TURBOPUFFER_BASE_URL` (a proxy, or a local stand-in in tests).
import { env } from '@momento-functions/guest-web';
import { invoke, Request, type Response } from '@momento-functions/http';

/** The namespace's URL, plus `suffix` (`/query` for queries). */
export function namespaceUrl(suffix = ''): string {
  const base = env('TURBOPUFFER_BASE_URL') || `https://${env('TURBOPUFFER_REGION') ?? ''}.turbopuffer.com`;
  return `${base.replace(/\/+$/, '')}/v2/namespaces/${env('TURBOPUFFER_NAMESPACE') ?? ''}${suffix}`;
}

/** POSTs a JSON body (already encoded) to `url` with the examples' headers. */
export function post(url: string, body: string): Response {
  return invoke(
    new Request(url, 'POST')
      .withHeaders([
        ['Authorization', `Bearer ${env('TURBOPUFFER_API_KEY') ?? ''}`],
        ['Content-Type', 'application/json'],
        ['Accept', '*/*'],
        ['User-Agent', 'momento-turbopuffer-example'],
      ])
      .withBody(body),
  );
}

/** Like serde_json's `json!`, which keeps object keys sorted: sorts the keys of every object. */
export function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Vectors as Rust's `f32`: each element rounded to single precision. */
export const toF32 = (values: readonly number[]): number[] => values.map((v) => Math.fround(v));

/** `f32::to_le_bytes` of each element (WebAssembly is little-endian, as is a Float32Array). */
export const f32Bytes = (values: readonly number[]): Uint8Array =>
  new Uint8Array(Float32Array.from(values).buffer);

/** The f32s of little-endian bytes; a trailing partial chunk is ignored (`chunks_exact(4)`). */
export function f32sOf(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: Math.floor(bytes.byteLength / 4) }, (_, i) => view.getFloat32(i * 4, true));
}

/** Rust's `String::from_utf8(bytes).unwrap_or_default()`: the text, or `''` if not UTF-8. */
export function utf8OrEmpty(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return '';
  }
}
