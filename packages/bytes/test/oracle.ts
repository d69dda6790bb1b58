import { readFileSync } from 'node:fs';

/** One case of test/fixtures/serde-json-cases.jsonl, produced by the Rust program in test/serde-oracle. */
export interface OracleCase {
  readonly mode: 'value' | 'encode' | 'greeting' | 'spawn' | 'utf8';
  readonly hex: string;
  readonly ok: boolean;
  readonly text: string;
  readonly bytes: Uint8Array;
  readonly label: string;
}

export const oracleCases: readonly OracleCase[] = readFileSync(
  new URL('./fixtures/serde-json-cases.jsonl', import.meta.url),
  'utf8',
)
  .trim()
  .split('\n')
  .map((line) => {
    const raw = JSON.parse(line) as Omit<OracleCase, 'bytes' | 'label'>;
    const bytes = Uint8Array.from(Buffer.from(raw.hex, 'hex'));
    const label = JSON.stringify(Buffer.from(bytes).toString('latin1')).slice(0, 60);
    return { ...raw, bytes, label };
  });

export const casesOf = (mode: OracleCase['mode']): OracleCase[] => oracleCases.filter((c) => c.mode === mode);
