// `momento:valkey/valkey@1.0.0` in the guest unit tests: a small in-memory Valkey that answers
// with the WIT value shapes componentize-js hands the guest, records every call, counts stream
// reads and handle drops, and throws WIT errors the way componentize-js does.
type WitData = { tag: 'value'; val: Uint8Array } | { tag: 'buffer'; val: unknown };
export type Value =
  | { tag: 'nil' }
  | { tag: 'int'; val: bigint }
  | { tag: 'data'; val: WitData }
  | { tag: 'bulk'; val: ResponseStream }
  | { tag: 'ok' }
  | { tag: 'simple-string'; val: string }
  | { tag: 'simple-error'; val: string };

export const calls: { cluster: string; command: string; arguments: Uint8Array[] }[] = [];
export const dropped: string[] = [];
export let streamReads = 0;
const store = new Map<string, Uint8Array>();
let injected: unknown;

export function resetValkey(): void {
  calls.length = 0;
  dropped.length = 0;
  streamReads = 0;
  store.clear();
  injected = undefined;
}

/** The next command answers `err(error)`. */
export function failNextCommand(error: unknown): void {
  injected = error;
}

class ComponentError extends Error {
  readonly payload: unknown;
  constructor(payload: unknown) {
    super(`${String(payload)} (see error.payload)`);
    this.payload = payload;
  }
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const data = (bytes: Uint8Array): Value => ({ tag: 'data', val: { tag: 'value', val: bytes } });
type Tree = null | bigint | string | Uint8Array | Tree[] | { error: string } | { status: string };

function toValue(tree: Tree): Value {
  if (tree === null) return { tag: 'nil' };
  if (typeof tree === 'bigint') return { tag: 'int', val: tree };
  if (typeof tree === 'string') return data(enc.encode(tree));
  if (tree instanceof Uint8Array) return data(tree);
  if (Array.isArray(tree)) return { tag: 'bulk', val: new ResponseStream(tree) };
  if ('error' in tree) return { tag: 'simple-error', val: tree.error };
  return tree.status === 'OK' ? { tag: 'ok' } : { tag: 'simple-string', val: tree.status };
}

export class ResponseStream {
  #items: Tree[];
  constructor(items: Tree[]) {
    this.#items = [...items];
  }
  next(): Value | undefined {
    streamReads++;
    const item = this.#items.shift();
    return item === undefined ? undefined : toValue(item);
  }
  [Symbol.dispose](): void {
    dropped.push('response-stream');
  }
}

export class ClusterClient {
  constructor(readonly cluster: string) {}

  command(command: { command: string; arguments: WitData[] }): Value {
    const args = command.arguments.map((a) => {
      if (a.tag !== 'value' || !(a.val instanceof Uint8Array))
        throw new TypeError('fake: expected data::value');
      return a.val;
    });
    calls.push({ cluster: this.cluster, command: command.command, arguments: args });
    if (injected !== undefined) {
      const error = injected;
      injected = undefined;
      throw new ComponentError(error);
    }
    const key = args[0] ? dec.decode(args[0]) : '';
    switch (command.command.toUpperCase()) {
      case 'PING':
        return toValue({ status: 'PONG' });
      case 'SET':
        store.set(key, args[1] ?? new Uint8Array());
        return toValue({ status: 'OK' });
      case 'GET':
        return toValue(store.get(key) ?? null);
      case 'DEL': {
        let n = 0n;
        for (const a of args) if (store.delete(dec.decode(a))) n++;
        return toValue(n);
      }
      case 'ECHO':
        return toValue(args[0] ?? null);
      case 'ARGS':
        return toValue(args.map((a) => dec.decode(a)));
      case 'NESTED':
        return toValue([
          1n,
          'a',
          [2n, [3n], []],
          { error: 'ERR inner' },
          { status: 'FINE' },
          { status: 'OK' },
          null,
        ]);
      default:
        return toValue({ error: `ERR unknown command '${command.command}'` });
    }
  }

  [Symbol.dispose](): void {
    dropped.push(`cluster-client:${this.cluster}`);
  }
}

export function getManagedClusterClient(clusterName: string): ClusterClient {
  return new ClusterClient(clusterName);
}
