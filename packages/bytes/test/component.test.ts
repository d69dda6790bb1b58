// Runs @momento-functions/bytes inside a real component: the probe in component/guest.ts is bundled,
// componentized with componentize-js (StarlingMonkey) and run with jco's transpiled glue. The
// component is cached by content hash under node_modules/.cache, so only the first run pays the
// ~10 s componentize.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import SuperJSON from 'superjson';
import { beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const cacheRoot = join(root, 'node_modules', '.cache', 'momento-bytes-component-test');

const WORLD = `package momento-test:bytes-probe@1.0.0;
world probe {
  import momento:web-function/web-function-support@1.0.0;
  export momento:web-function/guest-function-web@1.0.0;
}
`;

/** The jco host side of the `buffer` resource: records calls and drops. */
class HostBuffer {
  static instances: HostBuffer[] = [];
  readonly calls: string[] = [];
  dropped = 0;
  #offset = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly maxChunk = Number.POSITIVE_INFINITY,
  ) {
    HostBuffer.instances.push(this);
  }
  remaining(): number {
    this.calls.push('remaining');
    return this.bytes.length - this.#offset;
  }
  read(max: number): Uint8Array | undefined {
    this.calls.push(`read(${max})`);
    if (this.#offset >= this.bytes.length) return undefined;
    const n = Math.min(max, this.maxChunk, this.bytes.length - this.#offset);
    const chunk = this.bytes.slice(this.#offset, this.#offset + n);
    this.#offset += n;
    return chunk;
  }
  advance(n: number): void {
    this.calls.push(`advance(${n})`);
    this.#offset = Math.min(this.bytes.length, this.#offset + n);
  }
  [Symbol.dispose](): void {
    this.dropped++;
  }
}

type Invoke = (request: unknown) => {
  status: number;
  headers: unknown[];
  body: { tag: string; val: unknown };
};
/** Node's global WebAssembly (the TS libs used here do not declare it). */
const Wasm = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object } })
  .WebAssembly;
let glue: { instantiate: (getCore: (p: string) => object, imports: object) => Record<string, unknown> };
const cores = new Map<string, object>();

async function buildProbe(): Promise<string> {
  const esbuild = await import('esbuild');
  const bundled = await esbuild.build({
    entryPoints: [join(here, 'component', 'guest.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    external: ['momento:*'],
    write: false,
    logLevel: 'silent',
  });
  const source = bundled.outputFiles[0]!.text;
  const witFiles = ['bytes/bytes.wit', 'web-function/web-function.wit'].map((f) =>
    readFileSync(join(root, 'wit', 'deps', f), 'utf8'),
  );
  const versions = ['componentize-js', 'jco'].map(
    (pkg) =>
      (
        JSON.parse(
          readFileSync(join(root, 'node_modules', '@bytecodealliance', pkg, 'package.json'), 'utf8'),
        ) as { version: string }
      ).version,
  );
  const hash = createHash('sha256')
    .update(source)
    .update(WORLD)
    .update(witFiles.join('\n'))
    .update(versions.join(','))
    .digest('hex')
    .slice(0, 16);
  const dir = join(cacheRoot, hash);
  if (existsSync(join(dir, 'glue', 'probe.js'))) return dir;

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'wit', 'deps'), { recursive: true });
  writeFileSync(join(dir, 'wit', 'world.wit'), WORLD);
  for (const dep of ['bytes', 'web-function'])
    cpSync(join(root, 'wit', 'deps', dep), join(dir, 'wit', 'deps', dep), { recursive: true });
  writeFileSync(join(dir, 'probe.js'), source);

  const { _setPreopens } = (await import('@bytecodealliance/preview2-shim/filesystem')) as unknown as {
    _setPreopens(p: Record<string, string>): void;
  };
  _setPreopens({ '/': '/' });
  const { componentize } = await import('@bytecodealliance/componentize-js');
  const { component } = await componentize({
    sourcePath: join(dir, 'probe.js'),
    witPath: join(dir, 'wit'),
    worldName: 'probe',
    disableFeatures: ['stdio', 'random', 'http', 'fetch-event', 'clocks'],
  });
  const { transpile } = await import('@bytecodealliance/jco');
  const { files } = await transpile(component, {
    name: 'probe',
    instantiation: 'sync',
    wasiShim: false,
    base64Cutoff: 0,
    noTypescript: true,
  });
  mkdirSync(join(dir, 'glue'), { recursive: true });
  // Write the JS glue last: its presence marks a complete cache entry.
  const entries = Object.entries(files)
    .filter(([name]) => !name.endsWith('.d.ts'))
    .sort(([a], [b]) => (a.endsWith('.js') ? 1 : 0) - (b.endsWith('.js') ? 1 : 0));
  for (const [name, bytes] of entries) {
    mkdirSync(dirname(join(dir, 'glue', name)), { recursive: true });
    writeFileSync(join(dir, 'glue', name), bytes);
  }
  return dir;
}

function invoke(op: string, body: { tag: 'buffer'; val: HostBuffer } | { tag: 'value'; val: Uint8Array }) {
  const support = {
    headers: () => [{ name: 'x-op', value: op }],
    queryParameters: () => [],
    tokenMetadata: () => undefined,
    invocationId: () => 'test',
    httpMethod: () => 'POST',
    invocationPath: () => undefined,
  };
  const imports: Record<string, unknown> = {
    'momento:bytes/bytes': { Buffer: HostBuffer },
    'momento:web-function/web-function-support': support,
  };
  for (const key of Object.keys(imports)) imports[`${key}@1.0.0`] = imports[key];
  const instance = glue.instantiate((p) => cores.get(p)!, imports);
  const exported = (instance.guestFunctionWeb ??
    instance['momento:web-function/guest-function-web@1.0.0']) as {
    invoke: Invoke;
  };
  return exported.invoke(body);
}

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: unknown) => new TextDecoder().decode(b as Uint8Array);

describe('@momento-functions/bytes inside a componentize-js component', () => {
  beforeAll(async () => {
    const dir = await buildProbe();
    glue = await import(pathToFileURL(join(dir, 'glue', 'probe.js')).href);
    for (const name of ['probe.core.wasm', 'probe.core2.wasm', 'probe.core3.wasm', 'probe.core4.wasm']) {
      const path = join(dir, 'glue', name);
      if (existsSync(path)) cores.set(name, new Wasm.Module(readFileSync(path)));
    }
  }, 180_000);

  it('passes the request buffer handle back as the response body: same object, never read', () => {
    const buffer = new HostBuffer(enc('stay on the host'));
    const res = invoke('echo', { tag: 'buffer', val: buffer });
    expect(res.body.tag).toBe('buffer');
    expect(res.body.val).toBe(buffer);
    expect(buffer.calls).toEqual([]);
  });

  it('passes the remainder of a partly read buffer back as the same handle', () => {
    const buffer = new HostBuffer(enc('abcdef'));
    const res = invoke('read-then-echo', { tag: 'buffer', val: buffer });
    expect(res.body.val).toBe(buffer);
    expect(buffer.calls).toEqual(['read(2)']);
    expect(dec(buffer.read(100))).toBe('cdef');
  });

  it('reads a host body in chunks of max(remaining, 16 KiB) and drops the handle at the end', () => {
    const buffer = new HostBuffer(new Uint8Array(40000).fill(97), 10000);
    const res = invoke('chunks', { tag: 'buffer', val: buffer });
    expect(dec(res.body.val)).toBe('10000,10000,10000,10000');
    expect(buffer.calls).toEqual([
      'remaining',
      'read(40000)',
      'remaining',
      'read(30000)',
      'remaining',
      'read(20000)',
      'remaining',
      'read(16384)',
      'remaining',
      'read(16384)',
    ]);
    expect(buffer.dropped).toBe(1);
  });

  it('decodes text strictly, keeping a BOM, and names the bad byte', () => {
    const bom = invoke('text', { tag: 'value', val: Uint8Array.from([0xef, 0xbb, 0xbf, 0x68, 0xc3, 0xa9]) });
    expect(dec(bom.body.val)).toBe('text:\ufeffhé');
    const bad = invoke('text', { tag: 'buffer', val: new HostBuffer(Uint8Array.from([0x61, 0x62, 0xff])) });
    expect(bad.status).toBe(400);
    expect(dec(bad.body.val)).toBe(
      'Failed to parse request body: invalid utf-8 sequence of 1 bytes from index 2',
    );
  });

  it.each([
    ['', 'EOF while parsing a value at line 1 column 0'],
    ['{}', 'missing field `name` at line 1 column 2'],
    ['abc', 'expected value at line 1 column 1'],
    ['{"name":"a"} x', 'trailing characters at line 1 column 14'],
  ])('answers the json-greeter case %j like the Rust crate', (input, message) => {
    const res = invoke('greet', { tag: 'buffer', val: new HostBuffer(enc(input)) });
    expect(res.status).toBe(400);
    expect(dec(res.body.val)).toBe(`Failed to parse request body: ${message}`);
  });

  it('greets with compact JSON, raw UTF-8 and escaped quotes', () => {
    const res = invoke('greet', { tag: 'value', val: enc('  {"name":"é\\"x","extra":1}  ') });
    expect(res.status).toBe(200);
    expect(dec(res.body.val)).toBe('{"message":"Hello, é\\"x!"}');
  });

  it('writes byte arrays inside a JSON value as arrays of numbers (buffer and inline bodies)', () => {
    const expected = '{"body":[104,105],"inline":[1,2]}';
    const fromBuffer = invoke('json-bytes', { tag: 'buffer', val: new HostBuffer(enc('hi')) });
    expect(dec(fromBuffer.body.val)).toBe(expected);
    const fromValue = invoke('json-bytes', { tag: 'value', val: enc('hi') });
    expect(dec(fromValue.body.val)).toBe(expected);
  });

  it('round-trips JSON numbers and escapes', () => {
    const res = invoke('json', { tag: 'value', val: enc('{"a":[1,1.5,-0,"\\u0001/"],"b":null}') });
    expect(dec(res.body.val)).toBe('{"a":[1,1.5,0,"\\u0001/"],"b":null}');
    const range = invoke('json', { tag: 'value', val: enc('[1e999]') });
    expect(dec(range.body.val)).toBe('Failed to parse request body: number out of range at line 1 column 6');
  });

  it('round-trips superjson', () => {
    const sent = SuperJSON.stringify({ at: new Date(Date.UTC(2024, 0, 1)), tags: new Set(['a', 'b']) });
    const res = invoke('superjson', { tag: 'value', val: enc(sent) });
    expect(res.status).toBe(200);
    expect(SuperJSON.parse(dec(res.body.val))).toEqual({ ok: true, year: 2024, tags: ['a', 'b'] });
  });
});
