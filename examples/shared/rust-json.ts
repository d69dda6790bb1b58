// JSON written the way the Rust examples' serde_json writes it, where it differs from
// JSON.stringify: an `f32` is printed as its shortest round-trip decimal in ryu's format
// (`1.0`, `0.1`, `1e-7`, `-0.0`), not as the double it widens to (`1`, `0.10000000149011612`).
// Fields whose value is `undefined` are left out (serde's `skip_serializing_if = "Option::is_none"`).

/** A number serialized as a Rust `f32`. */
export class F32 {
  readonly value: number;
  constructor(value: number) {
    this.value = Math.fround(value);
  }
}

/** Wraps a number so that {@link rustJson} writes it as an `f32`. */
export const f32 = (value: number): F32 => new F32(value);
/** Wraps each number of a `Vec<f32>`. */
export const f32s = (values: readonly number[]): F32[] => values.map(f32);

/** Shortest decimal digits `D` and exponent `k` with `D × 10^k` reading back as the same f32. */
function shortest(x: number): { digits: string; k: number } {
  let text = x.toPrecision(9);
  for (let p = 1; p <= 9; p++) {
    const candidate = x.toPrecision(p);
    if (Math.fround(Number(candidate)) === x) {
      text = candidate;
      break;
    }
  }
  const [mantissa = '', exp = '0'] = text.split('e');
  const [int = '', frac = ''] = mantissa.split('.');
  let digits = (int + frac).replace(/^0+/, '');
  let k = Number(exp) - frac.length;
  while (digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    k++;
  }
  return { digits, k };
}

/** The text serde_json writes for an `f32` (ryu's `format32`); `null` when not finite. */
export function f32Text(value: number): string {
  const x = Math.fround(value);
  if (!Number.isFinite(x)) return 'null';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return `${sign}0.0`;
  const { digits, k } = shortest(Math.abs(x));
  const length = digits.length;
  const kk = length + k;
  if (k >= 0 && kk <= 13) return `${sign}${digits}${'0'.repeat(k)}.0`;
  if (kk > 0 && kk <= 13) return `${sign}${digits.slice(0, kk)}.${digits.slice(kk)}`;
  if (kk > -6 && kk <= 0) return `${sign}0.${'0'.repeat(-kk)}${digits}`;
  const mantissa = length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
  return `${sign}${mantissa}e${kk - 1}`;
}

/** Compact JSON like `serde_json::to_string`, with {@link F32} values written as f32. */
export function rustJson(value: unknown): string {
  if (value instanceof F32) return f32Text(value.value);
  if (Array.isArray(value)) return `[${value.map((v) => rustJson(v ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}:${rustJson(v)}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
