#!/usr/bin/env node
// Builds every fixture guest of tests/fixtures into a component at
// tests/fixtures/<language>/<name>.wasm and records them in tests/fixtures/manifest.json.
//
//   node scripts/build-fixtures.mjs            rebuild everything, write the .wasm and manifest
//   node scripts/build-fixtures.mjs --check    fail if a committed .wasm is out of date:
//       1. the hash of each group's sources + build recipe + toolchain versions must equal the
//          one recorded in the manifest (no toolchain needed for this part);
//       2. each committed .wasm must have the sha256 the manifest records;
//       3. when the toolchain is installed and has the recorded versions, everything is rebuilt
//          into a temporary directory and compared byte for byte (the builds are reproducible).
//          `--no-rebuild` skips this step.
//   --only <language>   limit to one group (rust-official, rust-glue, c)
//
// Toolchains (docs/fixtures.md): Debian rustc-web/cargo-web 1.96 (/usr/bin, not rustup's),
// lld-19, clang + wasi-libc, and jco 1.35 from node_modules for embed/new.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixtures, outputPath } from './fixtures/catalog.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const manifestPath = join(root, 'tests/fixtures/manifest.json');
const args = process.argv.slice(2);
const check = args.includes('--check');
const noRebuild = args.includes('--no-rebuild');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;

/** Bumped whenever the commands below change in a way that changes the output. */
const RECIPE = 'fixtures-recipe-1';

const CARGO_HOME = process.env.CARGO_HOME ?? join(process.env.HOME ?? '/root', '.cargo');
const RUST_ENV = {
  ...process.env,
  // rustup's toolchain (first in PATH) has no wasm targets: use Debian's rustc-web.
  PATH: `/usr/bin:${process.env.PATH ?? ''}`,
  RUSTC: '/usr/bin/rustc',
  CARGO: '/usr/bin/cargo',
  // -Zbuild-std on a stable compiler.
  RUSTC_BOOTSTRAP: '1',
  CARGO_TARGET_WASM32_WASIP2_LINKER: 'wasm-ld-19',
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER: 'wasm-ld-19',
};
// Paths in panic locations must not depend on where the repository or CARGO_HOME is.
const REMAP = [
  `--remap-path-prefix=${join(CARGO_HOME, 'registry/src')}=/cargo/registry/src`,
  `--remap-path-prefix=${root}=/repo`,
];
RUST_ENV.CARGO_TARGET_WASM32_WASIP2_RUSTFLAGS = ['-L', '/usr/lib/wasm32-wasi', ...REMAP].join(' ');
RUST_ENV.CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS = REMAP.join(' ');

const CLANG_FLAGS = [
  '--target=wasm32-wasi',
  '--sysroot=/usr',
  '-isystem',
  '/usr/include/wasm32-wasi',
  '-L/usr/lib/wasm32-wasi',
  '-fuse-ld=/usr/bin/wasm-ld-19',
  '-Os',
  '-mexec-model=reactor',
  '-Wall',
  '-Wextra',
  '-Werror',
  '-s',
];

const groups = {
  'rust-official': {
    dir: 'tests/fixtures/rust-official',
    wit: [],
    toolchain: ['rustc', 'cargo', 'wasmLd', 'wasiLibc', 'jco'],
    recipe: `cargo build --release --target wasm32-wasip2 -Zbuild-std=std,panic_abort; ${RUST_ENV.CARGO_TARGET_WASM32_WASIP2_RUSTFLAGS.replaceAll(root, '<repo>').replaceAll(CARGO_HOME, '<cargo-home>')}; componentNew + preview1 reactor adapter`,
  },
  'rust-glue': {
    dir: 'tests/fixtures/rust-glue',
    wit: [
      'tests/fixtures/wit',
      'wit/deps/bytes',
      'wit/deps/web-function',
      'wit/deps/spawn-function',
      'wit/deps/wasi-cli',
    ],
    toolchain: ['rustc', 'cargo', 'wasmLd', 'jco'],
    recipe: `cargo build --release --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort; componentEmbed(world) + componentNew`,
  },
  c: {
    dir: 'tests/fixtures/c',
    wit: [
      'tests/fixtures/wit',
      'wit/deps/bytes',
      'wit/deps/web-function',
      'wit/deps/spawn-function',
      'wit/deps/wasi-cli',
    ],
    toolchain: ['clang', 'wasmLd', 'wasiLibc', 'jco'],
    recipe: `clang ${CLANG_FLAGS.join(' ')}; componentEmbed(world) + componentNew + preview1 reactor adapter`,
  },
};

function run(cmd, argv, options = {}) {
  return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options }).trim();
}
function tryRun(cmd, argv) {
  try {
    return run(cmd, argv);
  } catch {
    return undefined;
  }
}

/** Versions of every tool a group depends on; undefined where a tool is missing. */
function toolchainVersions() {
  const jcoPkg = JSON.parse(
    readFileSync(join(root, 'node_modules/@bytecodealliance/jco/package.json'), 'utf8'),
  );
  return {
    rustc: tryRun('/usr/bin/rustc', ['--version']),
    cargo: tryRun('/usr/bin/cargo', ['--version']),
    clang: tryRun('clang', ['--version'])?.split('\n')[0],
    wasmLd: tryRun('wasm-ld-19', ['--version']),
    wasiLibc: tryRun('dpkg-query', ['-W', 'wasi-libc'])?.split('\t')[1],
    jco: jcoPkg.version,
  };
}

function listFiles(path) {
  const abs = join(root, path);
  if (!existsSync(abs)) return [];
  if (statSync(abs).isFile()) return [path];
  const out = [];
  for (const entry of readdirSync(abs, { withFileTypes: true })) {
    if (entry.name === 'target' || entry.name.endsWith('.wasm')) continue;
    const rel = `${path}/${entry.name}`;
    if (entry.isDirectory()) out.push(...listFiles(rel));
    else out.push(rel);
  }
  return out.sort();
}

/** Hash of a group's sources, the WIT it embeds, its build recipe and toolchain versions. */
function sourceHash(name, versions) {
  const group = groups[name];
  const hash = createHash('sha256');
  hash.update(`${RECIPE}\n${group.recipe}\n`);
  for (const tool of group.toolchain) hash.update(`${tool}=${versions[tool]}\n`);
  for (const file of [...listFiles(group.dir), ...group.wit.flatMap(listFiles)]) {
    hash.update(`${file}\n`);
    hash.update(readFileSync(join(root, file)));
  }
  return hash.digest('hex');
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

let jcoApi;
async function jco() {
  if (!jcoApi) {
    // preview2-shim 0.26 has no default preopens; the embed step reads WIT files through it.
    const { _setPreopens } = await import('@bytecodealliance/preview2-shim/filesystem');
    _setPreopens({ '/': '/' });
    jcoApi = await import('@bytecodealliance/jco');
  }
  return jcoApi;
}

async function reactorAdapter() {
  const { preview1AdapterReactorPath } = await jco();
  return readFileSync(fileURLToPath(preview1AdapterReactorPath()));
}

/** A WIT directory with tests/fixtures/wit/*.wit at the top and the repository's wit/deps. */
function fixtureWitDir(scratch) {
  const dir = join(scratch, 'wit');
  mkdirSync(dir, { recursive: true });
  cpSync(join(root, 'tests/fixtures/wit/fixtures.wit'), join(dir, 'fixtures.wit'));
  cpSync(join(root, 'wit/deps'), join(dir, 'deps'), { recursive: true });
  return dir;
}

function timed(label, fn) {
  const t0 = performance.now();
  const result = fn();
  const finish = (value) => {
    console.log(`  ${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return value;
  };
  return result instanceof Promise ? result.then(finish) : finish(result);
}

/** Builds one group; returns Map(fixture name → component bytes). */
async function buildGroup(name, scratch) {
  const group = groups[name];
  const members = fixtures.filter((f) => f.language === name);
  const { componentEmbed, componentNew } = await jco();
  const out = new Map();
  console.log(`${name}:`);
  if (name === 'rust-official' || name === 'rust-glue') {
    const target = name === 'rust-official' ? 'wasm32-wasip2' : 'wasm32-unknown-unknown';
    timed(`cargo build --release --target ${target} -Zbuild-std`, () =>
      execFileSync('/usr/bin/cargo', ['build', '--release', '--locked', '--target', target, '--workspace'], {
        cwd: join(root, group.dir),
        env: RUST_ENV,
        stdio: ['ignore', 'inherit', 'inherit'],
      }),
    );
    const adapter = name === 'rust-official' ? await reactorAdapter() : undefined;
    const witDir = name === 'rust-glue' ? fixtureWitDir(scratch) : undefined;
    await timed('componentize (jco)', async () => {
      for (const f of members) {
        const core = readFileSync(join(root, group.dir, 'target', target, 'release', f.core));
        const embedded = witDir
          ? await componentEmbed({ binary: core, witPath: witDir, world: f.world })
          : core;
        out.set(f.name, await componentNew(embedded, adapter ? [['wasi_snapshot_preview1', adapter]] : []));
      }
    });
  } else {
    const adapter = await reactorAdapter();
    const witDir = fixtureWitDir(scratch);
    const cores = timed('clang', () =>
      members.map((f) => {
        const core = join(scratch, `${f.name}.core.wasm`);
        run('clang', [...CLANG_FLAGS, '-o', core, join(root, f.source)]);
        return readFileSync(core);
      }),
    );
    await timed('componentize (jco)', async () => {
      for (const [i, f] of members.entries()) {
        const embedded = await componentEmbed({ binary: cores[i], witPath: witDir, world: f.world });
        out.set(f.name, await componentNew(embedded, [['wasi_snapshot_preview1', adapter]]));
      }
    });
  }
  return out;
}

/** The component's imports and exports, read from its WIT. */
async function describe(bytes) {
  const { componentWit } = await jco();
  const wit = await componentWit(bytes);
  const pick = (kind) => [...wit.matchAll(new RegExp(`^\\s*${kind} ([^;]+);`, 'gm'))].map((m) => m[1]);
  return { imports: pick('import'), exports: pick('export') };
}

function readManifest() {
  if (!existsSync(manifestPath)) return undefined;
  return JSON.parse(readFileSync(manifestPath, 'utf8'));
}

async function build() {
  const versions = toolchainVersions();
  const previous = readManifest();
  const scratch = mkdtempSync(join(tmpdir(), 'fixtures-'));
  const manifest = {
    comment:
      'Written by scripts/build-fixtures.mjs; checked by `node scripts/build-fixtures.mjs --check`. See docs/fixtures.md.',
    recipe: RECIPE,
    toolchain: versions,
    groups: { ...(previous?.groups ?? {}) },
    fixtures: (previous?.fixtures ?? []).filter((f) => only && f.language !== only),
  };
  try {
    for (const name of Object.keys(groups)) {
      if (only && name !== only) continue;
      const t0 = performance.now();
      const built = await buildGroup(name, scratch);
      const seconds = (performance.now() - t0) / 1000;
      manifest.groups[name] = {
        sourceHash: sourceHash(name, versions),
        toolchain: Object.fromEntries(groups[name].toolchain.map((t) => [t, versions[t]])),
        buildSeconds: Number(seconds.toFixed(1)),
      };
      for (const f of fixtures.filter((x) => x.language === name)) {
        const bytes = built.get(f.name);
        const path = outputPath(f);
        writeFileSync(join(root, path), bytes);
        const { imports, exports } = await describe(bytes);
        manifest.fixtures.push({
          name: f.name,
          path,
          language: f.language,
          kind: f.kind,
          source: f.source,
          description: f.description,
          size: bytes.length,
          sha256: sha256(bytes),
          imports,
          exports,
        });
        console.log(`  ${path}  ${(bytes.length / 1024).toFixed(1)} KiB  imports: ${imports.length}`);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const order = new Map(fixtures.map((f, i) => [`${f.language}/${f.name}`, i]));
  manifest.fixtures.sort(
    (a, b) => order.get(`${a.language}/${a.name}`) - order.get(`${b.language}/${b.name}`),
  );
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`wrote ${relative(root, manifestPath)}`);
}

async function checkAll() {
  const manifest = readManifest();
  if (!manifest)
    throw new Error('tests/fixtures/manifest.json is missing: run `node scripts/build-fixtures.mjs`.');
  const versions = toolchainVersions();
  const problems = [];
  const rebuildable = [];
  for (const name of Object.keys(groups)) {
    if (only && name !== only) continue;
    const recorded = manifest.groups[name];
    if (!recorded) {
      problems.push(`${name}: not in the manifest; run \`node scripts/build-fixtures.mjs\`.`);
      continue;
    }
    // Hash the current sources with the toolchain versions the manifest recorded, so a
    // different toolchain on this machine does not look like a source change.
    const current = sourceHash(name, { ...versions, ...recorded.toolchain });
    if (current !== recorded.sourceHash) {
      problems.push(
        `${name}: sources changed since the committed .wasm were built; run \`node scripts/build-fixtures.mjs --only ${name}\` and commit the result.`,
      );
    }
    const toolsMatch = groups[name].toolchain.every((t) => versions[t] === recorded.toolchain[t]);
    if (toolsMatch) rebuildable.push(name);
    else {
      const diff = groups[name].toolchain
        .filter((t) => versions[t] !== recorded.toolchain[t])
        .map((t) => `${t}: recorded ${recorded.toolchain[t]}, here ${versions[t] ?? 'missing'}`);
      console.log(`${name}: toolchain differs (${diff.join('; ')}), byte comparison skipped`);
    }
  }
  for (const f of manifest.fixtures) {
    if (only && f.language !== only) continue;
    const abs = join(root, f.path);
    if (!existsSync(abs)) problems.push(`${f.path}: missing; run \`node scripts/build-fixtures.mjs\`.`);
    else if (sha256(readFileSync(abs)) !== f.sha256)
      problems.push(
        `${f.path}: differs from the sha256 in the manifest; rebuild with \`node scripts/build-fixtures.mjs\`.`,
      );
  }
  if (!noRebuild && rebuildable.length > 0) {
    const scratch = mkdtempSync(join(tmpdir(), 'fixtures-check-'));
    try {
      for (const name of rebuildable) {
        const built = await buildGroup(name, scratch);
        for (const [fixtureName, bytes] of built) {
          const f = manifest.fixtures.find((x) => x.language === name && x.name === fixtureName);
          if (!f)
            problems.push(
              `${name}/${fixtureName}: built but not in the manifest; run \`node scripts/build-fixtures.mjs\`.`,
            );
          else if (sha256(bytes) !== f.sha256)
            problems.push(
              `${f.path}: a fresh build differs from the committed file; run \`node scripts/build-fixtures.mjs --only ${name}\` and commit the result.`,
            );
          else console.log(`  ${f.path}: identical to a fresh build`);
        }
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  if (problems.length > 0) {
    console.error(`fixtures out of date:\n- ${problems.join('\n- ')}`);
    process.exit(1);
  }
  console.log('fixtures are up to date');
}

if (only && !groups[only]) {
  console.error(`unknown --only ${only}; expected one of ${Object.keys(groups).join(', ')}`);
  process.exit(2);
}
await (check ? checkAll() : build());
