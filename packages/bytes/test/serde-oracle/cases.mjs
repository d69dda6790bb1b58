// Writes the oracle's input (one `<mode> <hex>` line per case) to stdout.
// Regenerate the fixture:
//   node cases.mjs | cargo run -q --release > ../fixtures/serde-json-cases.jsonl
const hex = (bytes) => Buffer.from(bytes).toString('hex');
const text = (s) => hex(Buffer.from(s, 'utf8'));
const lines = [];
const add = (mode, input) => lines.push(`${mode} ${typeof input === 'string' ? text(input) : hex(input)}`);

const syntax = [
  '',
  ' ',
  '\n\n',
  'abc',
  '{"name":"a"} x',
  '{',
  '[',
  '[1',
  '[1,',
  '[1,]',
  '[1 2]',
  '{"a"',
  '{"a":',
  '{"a":1',
  '{"a":1,}',
  '{"a" 1}',
  '{a:1}',
  '{"a":1 "b":2}',
  '{,}',
  '[,1]',
  '[]]',
  'nul',
  'nux',
  'tru',
  'trux',
  'fals',
  'falsy',
  'nulll',
  '-',
  '-a',
  '- 1',
  '01',
  '-01',
  '1.',
  '1.x',
  '1.e5',
  '1e',
  '1e+',
  '1ex',
  '1e+x',
  '1.5e3',
  '.5',
  '+1',
  '"abc',
  '"a\\',
  '"\\x"',
  '"\\u12"',
  '"\\u12g4"',
  '"\\u12g4',
  '"\\ud800"',
  '"\\ud800x"',
  '"\\ud800\\u0041"',
  '"\\ud800\\x"',
  '"\\ud800\\',
  '"\\ud800',
  '"\\udc00"',
  '"\\ud83d\\ude00"',
  '"a\nb"',
  '"\t"',
  '"\u007f"',
  '{\n  "a": 1,\n  "b": x\n}',
  '[\n1,\n2\n',
  '\r\n\r\n  x',
  '123abc',
  '{"a":1}}',
  '  {"name":"é\\"x"}  ',
  '"é',
  '{"é":1, x}',
  '1 2',
  'true false',
  '[1]x',
  '-0',
  '0.0e0',
  '{"a":[1,{"b":}]}',
  '{"a":[1,{"b":1]}',
  '[1}',
  '{"a":1]',
  '{1:2}',
  '{"a":1,"a":2}',
  '"\\/"',
  '{"a":{}}x',
  '[[]]',
  '1e400',
  '-1e400',
  '123456789012345678901234567890',
  '{"a":[1,1e999]}',
  '[1e308, 1e-400]',
  '["😀" x]',
  '"\\\\ud800"',
  '\ufeff{}',
  '\u00a0{}',
  '{"a":true,"b":[null,false]} \t\n\r',
];
for (const s of syntax) add('value', s);
for (const bytes of [
  [0xff],
  [0x22, 0xff, 0x22],
  [0x22, 0x61, 0xc3, 0x22],
  [0x5b, 0x31, 0x5d, 0xff],
  [0x22, 0xed, 0xa0, 0x80, 0x22],
  [0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d],
  [0xef, 0xbb, 0xbf, 0x31],
]) {
  add('value', bytes);
}
add('value', `${'['.repeat(127)}${']'.repeat(127)}`);
add('value', `${'['.repeat(128)}${']'.repeat(128)}`);
add('value', `${'{"a":'.repeat(130)}1${'}'.repeat(130)}`);

for (const s of [
  '{"name":"kvc"}',
  '{"name":"kvc","extra":1}',
  '',
  '{}',
  '{"name":1}',
  'abc',
  '{"name":"a"} x',
  ' {\n "other": 1\n}\n',
  '{"name":null}',
  '[]',
]) {
  add('greeting', s);
}
for (const s of ['{"_name":"x"}', '{"name":"x"}', '']) add('spawn', s);

for (const bytes of [
  [0xff],
  [0x61, 0x62, 0x80],
  [0x61, 0xc3],
  [0xe2, 0x82, 0x41],
  [0xf0, 0x9f, 0x98, 0x41],
  [0xf0, 0x9f, 0x98],
  [0xed, 0xa0, 0x80],
  [0xc0, 0xaf],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe0, 0x80],
  [0xf5],
  [0x80, 0x80],
  [0xe1, 0x80],
  [0xf1, 0x80, 0x80],
  [0x68, 0xc3, 0xa9, 0xff],
]) {
  add('utf8', bytes);
}

for (const s of [
  '["\\u0001\\u001f\\b\\f\\n\\r\\t\\"\\\\/é\\u2028\\u007f"]',
  '[1.0,1e21,1e-7,0.1,100,-0.0,1E2,5e-324,1.5,123456789012345678901234567890,1e20,12345678.9]',
  '[0,-1,9007199254740993,18446744073709551615,18446744073709551616,-9223372036854775808]',
  '{"b":1,"a":2,"10":3,"2":4}',
  '{"nested":{"z":[true,false,null],"a":"x"}}',
]) {
  add('encode', s);
}
process.stdout.write(`${lines.join('\n')}\n`);
