import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BUNDLE_FILE, ENTRY_ERROR_MARKER } from './entry.js';
import { BuildError } from './errors.js';
import { annotatePositions } from './sourcemap.js';

/** componentize-js options the build uses (and hashes into its cache key). */
export interface ComponentizeRequest {
  /** Folder holding the entry and the bundle; wizer sees only this folder (mapped to `/`). */
  workDir: string;
  sourcePath: string;
  witPath: string;
  worldName: string;
  disableFeatures: string[];
  debugBuild: boolean;
  outPath: string;
}

/**
 * A progress notice while the build runs.
 *
 * @example
 * ```ts
 * await build({ entry: 'src/index.ts', onProgress: (p) => console.log(p.phase, p.elapsedMs) });
 * ```
 */
export interface BuildProgress {
  /** The stage the build is in: `bundle`, `typecheck`, `componentize` (the 5–40 s step), `inspect`, or `done`. */
  phase: 'bundle' | 'typecheck' | 'componentize' | 'inspect' | 'done';
  /** Milliseconds since the phase started (for `done`, since the build started). */
  elapsedMs: number;
  /** A one-line description for people, e.g. `bundling src/index.ts`. */
  message: string;
}

const CHILD = fileURLToPath(new URL('../lib/componentize-child.mjs', import.meta.url));

/**
 * Run componentize-js in a child process (its wizer step blocks with spawnSync, which would freeze
 * a progress display in this process). Resolves with the raw error message on failure so the
 * caller can turn it into advice.
 */
export function runComponentize(
  req: ComponentizeRequest,
  onTick: (elapsedMs: number) => void,
): Promise<{ ok: true } | { ok: false; message: string }> {
  if (!existsSync(CHILD)) throw new Error(`@momento-functions/build is incomplete: ${CHILD} is missing`);
  return new Promise((resolvePromise, reject) => {
    const started = Date.now();
    const child = fork(CHILD, [], {
      cwd: req.workDir,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      execArgv: [],
    });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const timer = setInterval(() => onTick(Date.now() - started), 100);
    let answer: { ok: true } | { ok: false; message: string } | undefined;
    child.on('message', (m: { ok: boolean; message?: string }) => {
      answer = m.ok ? { ok: true } : { ok: false, message: m.message ?? 'componentize failed' };
    });
    child.on('error', (e) => {
      clearInterval(timer);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      if (answer) resolvePromise(answer);
      else
        resolvePromise({
          ok: false,
          message: `componentize-js exited (code ${code}, signal ${signal}) without an answer.\n${output.trim()}`,
        });
    });
    child.send({
      sourcePath: req.sourcePath,
      witPath: req.witPath,
      worldName: req.worldName,
      disableFeatures: req.disableFeatures,
      debugBuild: req.debugBuild,
      outPath: req.outPath,
    });
  });
}

const UNKNOWN_IMPORT = /attempted to call an unknown imported function: '([^']+)' '([^']+)'/;
const TOP_LEVEL = /Exception while evaluating top-level script\s*\n([^\n]*)/;

/** Whether a componentize failure depends only on the inputs (so it may be cached like a success). */
export function isDeterministicFailure(message: string): boolean {
  return message.includes(ENTRY_ERROR_MARKER) || UNKNOWN_IMPORT.test(message) || TOP_LEVEL.test(message);
}

/**
 * Turn componentize-js's failure text into a `BuildError` that says what to do. Recognised: a host
 * call (or Math.random / crypto randomness: wizer links no `wasi:random`, so such a value can never
 * be baked into the snapshot) while the module is loaded at build time, an exception thrown by
 * top-level code, and the entry's own check of the default export.
 */
export function explainComponentizeFailure(
  message: string,
  entryLabel: string,
  sourceMap?: string,
): BuildError {
  const marker = message.indexOf(ENTRY_ERROR_MARKER);
  if (marker !== -1) {
    const line = message
      .slice(marker + ENTRY_ERROR_MARKER.length)
      .split('\n')[0]!
      .trim();
    return new BuildError(`Build of ${entryLabel} failed: ${line}`);
  }
  const unknown = UNKNOWN_IMPORT.exec(message);
  if (unknown) {
    const [, iface, fn] = unknown;
    if (iface!.startsWith('wasi:random/')) {
      return new BuildError(
        `Build of ${entryLabel} failed: Math.random(), crypto.getRandomValues() or crypto.randomUUID() is called at module top level (${iface!.replace(/@[^@]+$/, '')} '${fn}'). Module top-level code runs once, at build time, inside the snapshot that every invocation starts from, so a value drawn there would be the same in every invocation; the build has no randomness source. Move the call into the handler (the function passed to web() or spawn()), where every invocation gets fresh values; to draw a value once per invocation and reuse it, do it lazily on the first call.`,
      );
    }
    if (iface!.startsWith('wasi:cli/environment')) {
      return new BuildError(
        `Build of ${entryLabel} failed: environment variables are read at module top level (wasi:cli/environment '${fn}'). Module top-level code runs once, at build time, inside the snapshot, where the function's configuration does not exist yet. Move the call into the handler.`,
      );
    }
    return new BuildError(
      `Build of ${entryLabel} failed: the host function '${iface}#${fn}' is called at module top level. Module top-level code runs once, at build time, inside the snapshot, where there is no host. Move this call into the handler (the function passed to web() or spawn()); if you want to compute something once per instance, do it lazily on the first call.`,
    );
  }
  const annotate = (text: string) => (sourceMap ? annotatePositions(text, BUNDLE_FILE, sourceMap) : text);
  const top = TOP_LEVEL.exec(message);
  if (top) {
    return new BuildError(
      `Build of ${entryLabel} failed: module top-level code threw while it was evaluated at build time (inside the snapshot): ${annotate(top[1]!.trim())}\nFix the error, or move the code into the handler.`,
    );
  }
  return new BuildError(`Build of ${entryLabel} failed in componentize-js:\n${annotate(message.trim())}`);
}
