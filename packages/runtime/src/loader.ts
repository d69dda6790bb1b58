/**
 * Loading a component: read its imports and exports, transpile it with jco once (cached on
 * disk by content hash), and compile its core modules once (with the memory cap applied).
 */
import { createHash } from 'node:crypto';
import { constants, existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SPAWN_EXPORT, WEB_EXPORT } from './interfaces.js';
import { capMemory, WASM_PAGE_BYTES } from './wasm-memory.js';

/** Bumped whenever the transpile options or the cached layout change. */
const CACHE_FORMAT = 'jco-1.35.0-sync-noshim-v3';

/** What the loader learned about a component. */
export interface ComponentInfo {
  /** sha256 of the component bytes (hex). */
  readonly hash: string;
  /** Imported interfaces, versioned, exactly as the component names them. */
  readonly imports: readonly string[];
  /** Exported interfaces, versioned. */
  readonly exports: readonly string[];
  /** Imported function names per unversioned interface, as the jco glue destructures them. */
  readonly importedFunctions: Readonly<Record<string, readonly string[]>>;
  /**
   * Resource functions the glue calls per unversioned interface, by WIT name
   * (`[constructor]client`, `[method]cluster-client.command`, `[static]…`).
   */
  readonly importedResourceFunctions: Readonly<Record<string, readonly string[]>>;
  /** Absolute path of the transpiled glue module. */
  readonly gluePath: string;
  /** The core modules by the names the glue asks for. */
  readonly coreModules: readonly string[];
  /** The component's kind, from its export. */
  readonly kind: 'web' | 'spawn' | undefined;
}

interface CachedMeta {
  imports: string[];
  exports: string[];
  importedFunctions: Record<string, string[]>;
  importedResourceFunctions: Record<string, string[]>;
  coreModules: string[];
}

/**
 * The default cache directory: `node_modules/.cache/momento-functions` under the working
 * directory when it has a node_modules, the OS temp directory otherwise.
 */
export function defaultCacheDir(): string {
  const local = join(process.cwd(), 'node_modules');
  if (existsSync(local)) return join(local, '.cache', 'momento-functions');
  return join(tmpdir(), 'momento-functions-cache');
}

/** The largest component {@link readComponentFile} reads by default (the largest real ones are ~12 MiB). */
export const DEFAULT_COMPONENT_BYTES = 64 * 1024 * 1024;

const MiB = 1024 * 1024;
const sizeText = (bytes: number) => (bytes >= MiB ? `${(bytes / MiB).toFixed(1)} MiB` : `${bytes} bytes`);

/**
 * Reads a component file with a bound: only a regular file is read (a FIFO, a device such as
 * `/dev/zero` or a directory is refused at once, without reading), one larger than `maxBytes`
 * is refused from its size, and at most `maxBytes + 1` bytes are ever read (a file growing while
 * it is read is refused too). Throws an error saying which limit applies.
 *
 * @example
 * const bytes = await readComponentFile('dist/fn.wasm', 64 * 1024 * 1024);
 */
export async function readComponentFile(path: string, maxBytes: number): Promise<Uint8Array> {
  // O_NONBLOCK: opening a FIFO for reading must not wait for a writer (no effect on regular files).
  const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      const what = stats.isDirectory()
        ? 'a directory'
        : stats.isFIFO()
          ? 'a FIFO (named pipe)'
          : stats.isCharacterDevice() || stats.isBlockDevice()
            ? 'a device'
            : stats.isSocket()
              ? 'a socket'
              : 'not a regular file';
      throw new Error(`it is ${what}, not a regular .wasm file`);
    }
    if (stats.size > maxBytes) {
      throw new Error(
        `it is ${sizeText(stats.size)}, over this host's component size limit of ${sizeText(maxBytes)} (limits.componentBytes)`,
      );
    }
    const buffer = Buffer.allocUnsafe(Math.min(stats.size, maxBytes) + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > stats.size) {
      throw new Error(
        length > maxBytes
          ? `it grew past this host's component size limit of ${sizeText(maxBytes)} (limits.componentBytes) while it was read`
          : 'it grew while it was read; load it again once it is written',
      );
    }
    return new Uint8Array(buffer.buffer, buffer.byteOffset, length);
  } finally {
    await handle.close();
  }
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/**
 * Checks, before any heavy work, that bytes can be a component: at most `maxBytes`, the `\0asm`
 * magic, and the component layer (a core module or anything else is refused with what it is).
 * Throws an error whose message starts with "this is not a valid WebAssembly component" or
 * names the size limit.
 *
 * @example
 * checkComponentHeader(bytes, 64 * 1024 * 1024);
 */
export function checkComponentHeader(bytes: Uint8Array, maxBytes: number): void {
  if (bytes.length > maxBytes) {
    throw new Error(
      `the component is ${sizeText(bytes.length)}, over this host's component size limit of ${sizeText(maxBytes)} (limits.componentBytes)`,
    );
  }
  const head = [...bytes.subarray(0, 8)];
  const hex = head.map((b) => b.toString(16).padStart(2, '0')).join(' ') || 'nothing';
  if (bytes.length < 8 || WASM_MAGIC.some((b, i) => head[i] !== b)) {
    throw new Error(
      `this is not a valid WebAssembly component (it does not start with the WebAssembly magic "\\0asm"; its first bytes are ${hex}); give the .wasm file a build produced`,
    );
  }
  // Bytes 4-7: version (u16) and layer (u16); layer 1 is a component, layer 0 a core module.
  const layer = head[6]! | (head[7]! << 8);
  if (layer === 0) {
    throw new Error(
      'this is not a valid WebAssembly component: it is a core WebAssembly module; turn it into a component with jco new / wasm-tools component new, or build it with componentize-js',
    );
  }
  if (layer !== 1) {
    throw new Error(`this is not a valid WebAssembly component (unknown layer in its header: ${hex})`);
  }
  checkSectionSizes(bytes, 8, bytes.length, true, 0);
}

/** Nested core modules (section 1) and components (section 4) are walked too, this deep at most. */
const MAX_NESTING = 8;

/**
 * Every section's declared size must fit in the bytes that are there. jco's parser allocates what
 * a section declares before reading it (a 17-byte file declaring a 2 GiB section made it panic,
 * after which no component could be loaded in the process), so a lie is refused here first.
 */
function checkSectionSizes(
  bytes: Uint8Array,
  start: number,
  end: number,
  isComponent: boolean,
  depth: number,
): void {
  let pos = start;
  while (pos < end) {
    const sectionAt = pos;
    const id = bytes[pos++]!;
    let size = 0;
    let shift = 0;
    for (;;) {
      if (pos >= end || shift > 28) {
        throw new Error(
          `this is not a valid WebAssembly component: the size of the section at byte ${sectionAt} is cut off or malformed`,
        );
      }
      const byte = bytes[pos++]!;
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if ((byte & 0x80) === 0) break;
    }
    if (size > end - pos) {
      throw new Error(
        `this is not a valid WebAssembly component: the section at byte ${sectionAt} declares ${size} bytes, but only ${end - pos} follow`,
      );
    }
    // In a component, section 1 holds a core module and section 4 a component: whole binaries,
    // their own 8-byte header, then their sections. (In a core module, ids mean other things.)
    if (isComponent && (id === 1 || id === 4) && depth < MAX_NESTING && size >= 8) {
      checkSectionSizes(bytes, pos + 8, pos + size, id === 4, depth + 1);
    }
    pos += size;
  }
}

/**
 * Makes the transpiled glue (`component.js`, ES modules) load as ESM whatever package.json sits
 * above the cache directory (a `"type": "commonjs"` one would make Node read it as CommonJS).
 */
const moduleMarkers = new Set<string>();
async function markModuleFolder(dir: string): Promise<void> {
  if (moduleMarkers.has(dir)) return;
  const file = join(dir, 'package.json');
  if (!existsSync(file)) {
    await mkdir(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, '{ "type": "module" }\n');
    await rename(tmp, file);
  }
  moduleMarkers.add(dir);
}

/** Reads the world of a component as wit text and pulls out its interface imports and exports. */
function parseWorld(wit: string): { imports: string[]; exports: string[] } {
  const imports: string[] = [];
  const exports: string[] = [];
  for (const match of wit.matchAll(/^\s*(import|export)\s+([^;{]+);/gm)) {
    const name = match[2]!.trim();
    if (match[1] === 'import') imports.push(name);
    else exports.push(name);
  }
  return { imports, exports };
}

/** Pulls `const { a, b } = imports['iface'];` out of the glue: the functions each import uses. */
function parseGlueImports(glue: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const match of glue.matchAll(/const \{([^}]*)\} = imports\['([^']+)'\];/g)) {
    const names = match[1]!
      .split(',')
      .map((s) => s.split(':')[0]!.trim())
      .filter(Boolean);
    const key = match[2]!;
    out[key] = [...new Set([...(out[key] ?? []), ...names])];
  }
  return out;
}

/**
 * The resource functions an import trampoline of the glue serves, by unversioned interface: jco
 * names each imported function by its WIT name in the trampoline's
 * `[iface="<interface>", function="<name>"]` label (`[constructor]r`, `[method]r.m`, `[static]r.m`).
 *
 * @example
 * parseGlueResourceFunctions(glue); // { 'momento:valkey/valkey': ['[method]cluster-client.command'] }
 */
export function parseGlueResourceFunctions(glue: string): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const match of glue.matchAll(
    /\[iface="([^"]+)", function="(\[(?:constructor|method|static)\][^"]+)"\]/g,
  )) {
    const iface = match[1]!;
    const at = iface.lastIndexOf('@');
    const key = at > 0 ? iface.slice(0, at) : iface;
    const names = out[key] ?? new Set<string>();
    names.add(match[2]!);
    out[key] = names;
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v]]));
}

/**
 * Transpiles a component (or takes it from the cache) and describes it.
 *
 * @example
 * const info = await inspectAndTranspile(await readFile('fn.wasm'), defaultCacheDir());
 */
export async function inspectAndTranspile(component: Uint8Array, cacheDir: string): Promise<ComponentInfo> {
  const hash = createHash('sha256').update(component).digest('hex');
  await markModuleFolder(join(cacheDir, 'transpiled'));
  const dir = join(cacheDir, 'transpiled', `${hash.slice(0, 32)}-${CACHE_FORMAT}`);
  const metaPath = join(dir, 'meta.json');
  let meta: CachedMeta | undefined;
  try {
    meta = JSON.parse(await readFile(metaPath, 'utf8')) as CachedMeta;
  } catch {
    meta = undefined;
  }
  if (!meta) meta = await transpileInto(component, dir);
  const kind = meta.exports.includes(WEB_EXPORT)
    ? 'web'
    : meta.exports.includes(SPAWN_EXPORT)
      ? 'spawn'
      : undefined;
  return {
    hash,
    imports: meta.imports,
    exports: meta.exports,
    importedFunctions: meta.importedFunctions,
    importedResourceFunctions: meta.importedResourceFunctions,
    gluePath: join(dir, 'component.js'),
    coreModules: meta.coreModules,
    kind,
  };
}

async function transpileInto(component: Uint8Array, dir: string): Promise<CachedMeta> {
  const jco = await import('@bytecodealliance/jco');
  let wit: string;
  try {
    wit = await jco.componentWit(component);
  } catch (error) {
    throw new Error(
      `this is not a valid WebAssembly component (${error instanceof Error ? error.message : String(error)}); build it with componentize-js, or with jco new / wasm-tools component new for a core module`,
    );
  }
  const world = parseWorld(wit);
  let result: Awaited<ReturnType<typeof jco.transpile>>;
  try {
    result = await jco.transpile(component, {
      name: 'component',
      instantiation: 'sync',
      wasiShim: false,
      noTypescript: true,
      quiet: true,
      base64Cutoff: 0,
    });
  } catch (error) {
    throw new Error(
      `this is not a valid WebAssembly component (${error instanceof Error ? error.message.replace(/\s+/g, ' ') : String(error)}); build it with componentize-js, or turn a core module into a component with jco new / wasm-tools component new`,
    );
  }
  const glueBytes = result.files['component.js'];
  if (!glueBytes) throw new Error('jco transpile produced no component.js');
  const glue = new TextDecoder().decode(glueBytes);
  const coreModules = Object.keys(result.files).filter((f) => f.endsWith('.wasm'));
  const meta: CachedMeta = {
    imports: world.imports,
    exports: world.exports,
    importedFunctions: parseGlueImports(glue),
    importedResourceFunctions: parseGlueResourceFunctions(glue),
    coreModules,
  };
  // Write to a private directory, then rename into place, so concurrent loaders never see half a cache entry.
  const staging = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await mkdir(staging, { recursive: true });
  await writeFile(join(staging, 'component.js'), glueBytes);
  for (const name of coreModules) await writeFile(join(staging, name), result.files[name]!);
  await writeFile(join(staging, 'meta.json'), JSON.stringify(meta));
  try {
    await rename(staging, dir);
  } catch {
    // Someone else finished first; theirs is identical.
    await rm(staging, { recursive: true, force: true });
  }
  return meta;
}

/**
 * Compiles the component's core modules with their memories capped at `memoryBytes`.
 *
 * @example
 * const modules = await compileModules(info, 256 * 1024 * 1024);
 */
export async function compileModules(
  info: ComponentInfo,
  memoryBytes: number,
): Promise<Record<string, WebAssembly.Module>> {
  const dir = join(info.gluePath, '..');
  const names =
    info.coreModules.length > 0 ? info.coreModules : (await readdir(dir)).filter((f) => f.endsWith('.wasm'));
  const out: Record<string, WebAssembly.Module> = {};
  const maxPages = Math.floor(memoryBytes / WASM_PAGE_BYTES);
  await Promise.all(
    names.map(async (name) => {
      const bytes = new Uint8Array(await readFile(join(dir, name)));
      out[name] = await WebAssembly.compile(capMemory(bytes, maxPages));
    }),
  );
  return out;
}

/** The glue path as a URL workers can import. */
export function glueUrl(info: ComponentInfo): string {
  return pathToFileURL(info.gluePath).href;
}
