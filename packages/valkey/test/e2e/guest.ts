// A web function that runs the commands of its JSON request through @momento-functions/valkey and
// answers what it saw, value by value: built into a real component by test/e2e/valkey.test.ts and
// run in the reference host against a real redis-server.
import { extract } from '@momento-functions/bytes';
import { web } from '@momento-functions/guest-web';
import {
  type ClusterClient,
  Command,
  clusterClient,
  ValkeyError,
  type ValkeyValue,
} from '@momento-functions/valkey';

/** An argument: text, or bytes given as hex. */
type Arg = string | number | { hex: string };
/** One step: a command, or a special check. */
type Step =
  | { cluster?: string; command: string; args?: Arg[] }
  | { cluster?: string; builder: string; args: Arg[] }
  | { cluster?: string; firstThenClose: string; args: Arg[] };

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const unhex = (text: string): Uint8Array =>
  Uint8Array.from(text.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
const arg = (a: Arg): string | number | Uint8Array => (typeof a === 'object' ? unhex(a.hex) : a);

/** A ValkeyValue as JSON, reading bulk replies to the end. */
function show(value: ValkeyValue): unknown {
  switch (value.kind) {
    case 'nil':
    case 'ok':
      return value.kind;
    case 'int':
      return { int: value.value.toString(), type: typeof value.value };
    case 'data': {
      const bytes = value.value.bytes();
      return { data: new TextDecoder().decode(bytes), hex: hex(bytes) };
    }
    case 'bulk':
      return { bulk: value.value.toArray().map(show) };
    case 'simple-string':
      return { simple: value.value };
    case 'simple-error':
      return { error: value.value };
  }
}

export default web(extract.json<{ steps: Step[] }>(), ({ steps }) => {
  const clients = new Map<string, ClusterClient>();
  const client = (name = 'main'): ClusterClient => {
    let c = clients.get(name);
    if (!c) {
      c = clusterClient(name);
      clients.set(name, c);
    }
    return c;
  };
  const out: unknown[] = [];
  for (const step of steps) {
    try {
      if ('command' in step) {
        out.push(show(client(step.cluster).command(step.command, ...(step.args ?? []).map(arg))));
      } else if ('builder' in step) {
        const builder = Command.builder(step.builder);
        for (const a of step.args) builder.argument(arg(a));
        out.push(show(client(step.cluster).command(builder)));
      } else {
        // Reads one element of a bulk reply, then drops the rest of the stream.
        const reply = client(step.cluster).command(step.firstThenClose, ...step.args.map(arg));
        if (reply.kind !== 'bulk') throw new Error(`expected a bulk reply, got ${reply.kind}`);
        const first = reply.value.next();
        reply.value.close();
        out.push({ first: first.done ? 'done' : show(first.value), afterClose: reply.value.next().done });
      }
    } catch (error) {
      if (!(error instanceof ValkeyError)) throw error;
      out.push({
        valkeyError: { case: error.case, detail: error.detail, message: error.message, debug: error.debug },
      });
    }
  }
  for (const c of clients.values()) c.close();
  return out;
});
