// Parse-cost loop for docs/bytes.md. Run: npm run build -w packages/bytes && node packages/bytes/test/bench.mjs
import { Data, parseJson } from '../dist/index.js';

const items = Array.from({ length: 20000 }, (_, i) => ({
  id: i,
  name: `item ${i} é`,
  tags: ['a', 'b'],
  price: i * 1.5,
}));
const text = JSON.stringify({ items });
const bytes = new TextEncoder().encode(text);
const bad = new TextEncoder().encode(`${text.slice(0, -2)}x}`);
const time = (label, n, fn) => {
  fn();
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  console.log(label, (Number(process.hrtime.bigint() - t) / 1e6 / n).toFixed(3), 'ms');
};
console.log('body', (bytes.length / 1024 / 1024).toFixed(2), 'MiB');
time('TextDecoder+JSON.parse      ', 20, () => JSON.parse(new TextDecoder().decode(bytes)));
time('Data.from(bytes).json()     ', 20, () => Data.from(bytes).json());
time('error path (scanner, at end)', 5, () => {
  try {
    parseJson(bad);
  } catch {}
});
const small = new TextEncoder().encode('{"name":"kvc"}');
time('small json()                ', 20000, () => Data.from(small).json());
time('small error "{}x"           ', 20000, () => {
  try {
    parseJson('{}x');
  } catch {}
});
