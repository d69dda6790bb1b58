/**
 * The WASI 0.2 imports, as the platform serves them (docs/decisions.md D8): clocks, environment,
 * random and io/error work; stdio, streams, filesystem and exit are importable but trap when a
 * guest actually uses them, with a message that says what was called and what to do instead.
 */
import { getRandomValues } from 'node:crypto';

/** Private to this worker: `Pollable.block` waits on it and nothing ever notifies it. */
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const decoder = new TextDecoder();

/** Thrown (a trap) when a guest uses WASI the platform does not support. */
export class UnsupportedWasiError extends Error {
  override name = 'UnsupportedWasiError';
}

function unsupported(what: string, detail = ''): never {
  throw new UnsupportedWasiError(
    `${what} was called${detail}, but Momento Functions does not support it (the platform traps here too). ` +
      'Use momento:log for logging; there is no filesystem, stdin/stdout/stderr or exit on the platform.',
  );
}

/** A class whose every method traps, except those defined on it. */
/**
 * Property names JS machinery probes on any object (jco's glue treats a result with a callable
 * `then` as a promise, for one); no WIT method is called this, so they must stay undefined.
 */
const PROTOCOL_NAMES = new Set(['then', 'constructor', 'toJSON', 'toString', 'valueOf', 'inspect']);

function trappingResource(iface: string, resource: string): new () => object {
  const base = new Proxy(
    {},
    {
      get(_target, name) {
        if (typeof name !== 'string' || PROTOCOL_NAMES.has(name)) return undefined;
        return () => unsupported(`${iface} ${resource}.${name}`);
      },
    },
  );
  const cls = class {};
  Object.defineProperty(cls, 'name', { value: resource });
  Object.setPrototypeOf(cls.prototype, base);
  return cls as unknown as new () => object;
}

function trappingInterface(iface: string, members: Record<string, unknown>): Record<string, unknown> {
  return new Proxy(members, {
    get(target, name) {
      if (typeof name !== 'string' || PROTOCOL_NAMES.has(name)) return undefined;
      if (name in target) return target[name];
      return /^[A-Z]/.test(name) ? trappingResource(iface, name) : () => unsupported(`${iface}#${name}`);
    },
  });
}

function preview(bytes: unknown): string {
  if (!(bytes instanceof Uint8Array)) return '';
  const text = decoder.decode(bytes.subarray(0, 2000)).trimEnd();
  return text ? ` (writing ${JSON.stringify(text)})` : '';
}

class OutputStream {
  readonly #which: string;
  constructor(which: string) {
    this.#which = which;
  }
  #trap(method: string, bytes?: unknown): never {
    return unsupported(`wasi:io/streams output-stream.${method} on ${this.#which}`, preview(bytes));
  }
  checkWrite(): never {
    return this.#trap('check-write');
  }
  write(bytes: Uint8Array): never {
    return this.#trap('write', bytes);
  }
  blockingWriteAndFlush(bytes: Uint8Array): never {
    return this.#trap('blocking-write-and-flush', bytes);
  }
  flush(): never {
    return this.#trap('flush');
  }
  blockingFlush(): never {
    return this.#trap('blocking-flush');
  }
  subscribe(): never {
    return this.#trap('subscribe');
  }
  writeZeroes(): never {
    return this.#trap('write-zeroes');
  }
  blockingWriteZeroesAndFlush(): never {
    return this.#trap('blocking-write-zeroes-and-flush');
  }
  splice(): never {
    return this.#trap('splice');
  }
  blockingSplice(): never {
    return this.#trap('blocking-splice');
  }
}

const InputStream = trappingResource('wasi:io/streams', 'InputStream');

class Pollable {
  readonly #deadline: bigint;
  constructor(deadline: bigint) {
    this.#deadline = deadline;
  }
  ready(): boolean {
    return process.hrtime.bigint() >= this.#deadline;
  }
  /**
   * Parks the worker thread until the deadline: `Atomics.wait` on a word nobody notifies, so no
   * CPU is used, and nothing the guest holds is touched. It may wake a little early against
   * `hrtime`, so it waits again for what is left. The host's time limit still applies: its timer
   * stops the worker (`worker.terminate()` interrupts the wait), as for any other long invocation.
   */
  block(): void {
    for (let left = this.#deadline - process.hrtime.bigint(); left > 0n; ) {
      Atomics.wait(sleeper, 0, 0, Number(left) / 1e6);
      left = this.#deadline - process.hrtime.bigint();
    }
  }
  get deadline(): bigint {
    return this.#deadline;
  }
}

class IoError {
  toDebugString(): string {
    return 'error';
  }
}

/**
 * Largest `get-random-bytes` / `get-insecure-random-bytes` request served: 64 MiB, wasmtime's
 * default (`wasmtime_wasi::random::DEFAULT_MAX_SIZE`, which traps above it), lowered to the guest's
 * memory limit when that is smaller (`wasiImports({ maxRandomBytes })`). The request is refused
 * before the host allocates anything.
 */
export const RANDOM_MAX_BYTES = 64 * 1024 * 1024;

/** Thrown (a trap) when a guest asks for more random bytes than it could ever receive. */
export class RandomLimitError extends Error {
  override name = 'RandomLimitError';
}

function randomBytesWithin(max: number, what: string): (len: bigint) => Uint8Array {
  return (len) => {
    const n = BigInt(len);
    if (n > BigInt(max)) {
      throw new RandomLimitError(
        `${what}(${n}) asks for more than the host's limit of ${max} bytes per call ` +
          `(64 MiB, wasmtime's default, or the guest's memory limit, limits.memoryBytes, when smaller); ` +
          'ask for fewer bytes at a time',
      );
    }
    const out = new Uint8Array(Number(n));
    for (let i = 0; i < out.length; i += 65536) getRandomValues(out.subarray(i, i + 65536));
    return out;
  };
}

function randomU64(): bigint {
  const b = new BigUint64Array(1);
  getRandomValues(b);
  return b[0]!;
}

/**
 * Builds the WASI import objects, keyed by unversioned interface name.
 *
 * @example
 * const wasi = wasiImports({ environment: () => [['FOO', 'bar']] });
 * wasi['wasi:cli/environment'].getEnvironment(); // [['FOO', 'bar']]
 */
export function wasiImports(options: {
  environment: () => [string, string][];
  /** Largest random-bytes request (default {@link RANDOM_MAX_BYTES}; the host passes min(that, limits.memoryBytes)). */
  maxRandomBytes?: number;
}): Record<string, unknown> {
  const maxRandom = Math.min(options.maxRandomBytes ?? RANDOM_MAX_BYTES, RANDOM_MAX_BYTES);
  const randomBytes = randomBytesWithin(maxRandom, 'wasi:random/random#get-random-bytes');
  const insecureBytes = randomBytesWithin(maxRandom, 'wasi:random/insecure#get-insecure-random-bytes');
  const stdout = new OutputStream('stdout');
  const stderr = new OutputStream('stderr');
  return {
    'wasi:cli/environment': {
      getEnvironment: options.environment,
      getArguments: () => [],
      initialCwd: () => undefined,
    },
    'wasi:clocks/wall-clock': {
      now: () => {
        const ms = Date.now();
        return { seconds: BigInt(Math.floor(ms / 1000)), nanoseconds: (ms % 1000) * 1_000_000 };
      },
      resolution: () => ({ seconds: 0n, nanoseconds: 1_000_000 }),
    },
    'wasi:clocks/monotonic-clock': {
      now: () => process.hrtime.bigint(),
      resolution: () => 1n,
      subscribeInstant: (when: bigint) => new Pollable(when),
      subscribeDuration: (duration: bigint) => new Pollable(process.hrtime.bigint() + duration),
    },
    'wasi:io/poll': {
      Pollable,
      poll: (list: Pollable[]) => {
        if (list.length === 0)
          unsupported('wasi:io/poll#poll', ' with an empty list (it would block forever)');
        const earliest = list.reduce((a, p) => (p.deadline < a.deadline ? p : a));
        earliest.block();
        return Uint32Array.from(list.flatMap((p, i) => (p.ready() ? [i] : [])));
      },
    },
    'wasi:io/error': { Error: IoError },
    'wasi:io/streams': trappingInterface('wasi:io/streams', { InputStream, OutputStream }),
    'wasi:cli/stdin': { getStdin: () => new InputStream() },
    'wasi:cli/stdout': { getStdout: () => stdout },
    'wasi:cli/stderr': { getStderr: () => stderr },
    'wasi:cli/exit': trappingInterface('wasi:cli/exit', {
      exit: (status: { tag: string }) =>
        unsupported('wasi:cli/exit#exit', ` with ${status?.tag ?? 'a status'}`),
    }),
    'wasi:cli/terminal-input': trappingInterface('wasi:cli/terminal-input', {}),
    'wasi:cli/terminal-output': trappingInterface('wasi:cli/terminal-output', {}),
    'wasi:cli/terminal-stdin': { getTerminalStdin: () => undefined },
    'wasi:cli/terminal-stdout': { getTerminalStdout: () => undefined },
    'wasi:cli/terminal-stderr': { getTerminalStderr: () => undefined },
    // No directories: a guest that looks for preopens finds none; opening anything traps.
    'wasi:filesystem/preopens': { getDirectories: () => [] },
    'wasi:filesystem/types': trappingInterface('wasi:filesystem/types', {
      filesystemErrorCode: () => undefined,
    }),
    'wasi:random/random': { getRandomBytes: randomBytes, getRandomU64: randomU64 },
    'wasi:random/insecure': { getInsecureRandomBytes: insecureBytes, getInsecureRandomU64: randomU64 },
    'wasi:random/insecure-seed': { insecureSeed: () => [randomU64(), randomU64()] },
  };
}
