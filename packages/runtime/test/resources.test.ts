/**
 * Host resources over the bridge (docs/runtime.md "Writing a host service"): a service returns
 * HostResource objects, the guest holds handles, methods/statics/constructors reach the service
 * with the main-side objects, and every object is dropped exactly once — when the guest drops its
 * handle, or when the invocation ends however it ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHost,
  type Host,
  type HostLogEntry,
  HostResource,
  type HostService,
  type InvocationContext,
  LoadError,
} from '../src/index.js';
import { parseResourceFunction, planResources, witClassName, witMemberName } from '../src/interfaces.js';
import { parseGlueResourceFunctions } from '../src/loader.js';
import {
  COUNTERS,
  watCounterNew,
  watCounters,
  watCountersShared,
  watCountersThenFail,
} from './helpers/resource-guests.js';

const events: string[] = [];
const shared = new Map<string, Counter>();
const logs: HostLogEntry[] = [];
const made: HostResource[] = [];
let nextId = 1;

class Counter extends HostResource {
  readonly resource = 'counter';
  drops = 0;
  constructor(
    readonly id: number,
    public value: number,
    readonly invocationId: string,
  ) {
    super();
    made.push(this);
  }
  failDrop = false;
  override drop(): void {
    this.drops++;
    events.push(`drop counter#${this.id}`);
    if (this.failDrop) throw new Error('the connection was already gone');
  }
}

class CounterReading extends HostResource {
  readonly resource = 'counter-reading';
  drops = 0;
  constructor(
    readonly id: number,
    readonly value: number,
  ) {
    super();
    made.push(this);
  }
  // An async drop: the bridge does not wait for it, and it still runs once.
  override async drop(): Promise<void> {
    this.drops++;
    events.push(`drop reading#${this.id}`);
  }
}

function counter(self: unknown, where: string): Counter {
  if (!(self instanceof Counter)) throw new Error(`${where}: not a Counter: ${String(self)}`);
  return self;
}

const fns = {
  '[constructor]counter': (ctx: InvocationContext, start: number) => {
    if (start === 666) throw new Error('666 is not a good start');
    const c = new Counter(nextId++, start, ctx.invocationId);
    events.push(`new counter#${c.id}(${start})`);
    return c;
  },
  '[method]counter.add': (_ctx: InvocationContext, self: unknown, n: number) => {
    const c = counter(self, 'add');
    c.value += n;
    events.push(`add counter#${c.id} ${n}`);
    return c.value;
  },
  '[method]counter.take-reading': (_ctx: InvocationContext, self: unknown) => {
    const c = counter(self, 'take-reading');
    const r = new CounterReading(nextId++, c.value);
    events.push(`reading#${r.id} of counter#${c.id}`);
    return { tag: 'ok', val: { tag: 'taken', val: r } };
  },
  '[method]counter.merge': (_ctx: InvocationContext, self: unknown, other: unknown) => {
    const [a, b] = [counter(self, 'merge'), counter(other, 'merge other')];
    events.push(`merge counter#${a.id} counter#${b.id}`);
    return a.value + b.value;
  },
  // Async: resource arguments also resolve on the promise path.
  '[static]counter.total': async (_ctx: InvocationContext, a: unknown, b: unknown) => {
    await new Promise((r) => setTimeout(r, 5));
    const [x, y] = [counter(a, 'total a'), counter(b, 'total b')];
    events.push(`total counter#${x.id} counter#${y.id}`);
    return x.value + y.value;
  },
  '[method]counter-reading.value': (_ctx: InvocationContext, self: unknown) => {
    if (!(self instanceof CounterReading)) throw new Error('value: not a reading');
    events.push(`value reading#${self.id}`);
    return self.value;
  },
  openCounter: (ctx: InvocationContext, name: string) => {
    // "same": one object per invocation, however often it is opened (and its drop fails).
    const same = name === 'same' ? shared.get(ctx.invocationId) : undefined;
    if (same) {
      events.push(`open counter#${same.id} ${name}`);
      return same;
    }
    const c = new Counter(nextId++, 100, ctx.invocationId);
    if (name === 'same') {
      c.failDrop = true;
      shared.set(ctx.invocationId, c);
    }
    events.push(`open counter#${c.id} ${name}`);
    return c;
  },
};

const service: HostService = {
  interface: COUNTERS,
  functions: fns as unknown as HostService['functions'],
};

let host: Host;
beforeAll(async () => {
  host = await createHost({
    services: [service],
    limits: { concurrency: 1, timeoutMs: 1500 },
    logger: (e) => logs.push(e),
  });
}, 120_000);
afterAll(() => host.close());

const reset = () => {
  events.length = 0;
  made.length = 0;
  nextId = 1;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('host resources through a real component', () => {
  it('constructor, method, static with borrows, nested resource result, own argument; drops at once and at the end', async () => {
    const fn = await host.load(await watCounters(), { name: 'counters' });
    reset();
    const res = await fn.invoke({ invocationId: 'inv-full' });
    expect(res.status).toBe(200);
    const view = new DataView(res.body.buffer, res.body.byteOffset, res.body.byteLength);
    expect([0, 4, 8, 12, 16, 20].map((o) => view.getUint32(o, true))).toEqual([15, 115, 15, 16, 116, 10]);
    await sleep(10); // drops at the end of the invocation run right after the answer
    expect(events).toEqual([
      'new counter#1(10)',
      'add counter#1 5',
      'open counter#2 named',
      'total counter#1 counter#2',
      'reading#3 of counter#1',
      'value reading#3',
      // dropped by the guest, before its next call
      'drop reading#3',
      'add counter#1 1',
      'merge counter#1 counter#2',
      'new counter#4(7)',
      'drop counter#1',
      // the end of the invocation: the counter the host took ownership of, and the leaked one
      'drop counter#2',
      'drop counter#4',
    ]);
    expect(made.map((m) => (m as Counter).drops)).toEqual([1, 1, 1, 1]);
    // Every object belongs to the invocation that made it.
    expect(made.filter((m) => m instanceof Counter).map((m) => (m as Counter).invocationId)).toEqual([
      'inv-full',
      'inv-full',
      'inv-full',
    ]);
    // A second invocation starts from an empty table; nothing of the first is dropped again.
    reset();
    await fn.invoke();
    await sleep(10);
    expect(events.filter((e) => e.startsWith('drop'))).toEqual([
      'drop reading#3',
      'drop counter#1',
      'drop counter#2',
      'drop counter#4',
    ]);
    fn.unload();
  });

  it('a guest trap still drops every object of the invocation', async () => {
    const fn = await host.load(await watCountersThenFail('trap'), { name: 'counters-trap' });
    reset();
    const res = await fn.invoke();
    expect(res.status).toBe(500);
    expect(res.text()).toMatch(/^the function trapped: /);
    await sleep(10);
    expect(events).toEqual(['new counter#1(1)', 'open counter#2 doomed', 'drop counter#1', 'drop counter#2']);
    fn.unload();
  });

  it('a timeout still drops every object of the invocation', async () => {
    const fn = await host.load(await watCountersThenFail('loop'), { name: 'counters-loop' });
    reset();
    const res = await fn.invoke();
    expect(res.status).toBe(504);
    await sleep(10);
    expect(events).toEqual(['new counter#1(1)', 'open counter#2 doomed', 'drop counter#1', 'drop counter#2']);
    expect(made.map((m) => (m as Counter).drops)).toEqual([1, 1]);
    fn.unload();
  });

  it('a throwing constructor makes the guest trap with the service message', async () => {
    const fn = await host.load(await watCounterNew(666), { name: 'counters-bad' });
    reset();
    const res = await fn.invoke();
    expect(res.status).toBe(500);
    expect(res.text()).toContain(
      `host call ${COUNTERS}#[constructor]counter failed: 666 is not a good start`,
    );
    fn.unload();
    const ok = await host.load(await watCounterNew(3), { name: 'counters-ok' });
    reset();
    expect((await ok.invoke()).text()).toBe('ok');
    await sleep(10);
    expect(events).toEqual(['new counter#1(3)', 'drop counter#1']);
    ok.unload();
  });

  it('one object behind two handles is dropped when the last goes; a failing drop is logged', async () => {
    const fn = await host.load(await watCountersShared(), { name: 'counters-shared' });
    reset();
    logs.length = 0;
    expect((await fn.invoke({ invocationId: 'inv-shared' })).text()).toBe('ok');
    await sleep(10);
    expect(events).toEqual([
      'open counter#1 same',
      'open counter#1 same',
      // the first handle's drop leaves the object alive for the second
      'add counter#1 1',
      'drop counter#1',
      'open counter#2 mark',
      'drop counter#2',
    ]);
    expect(logs).toContainEqual({
      level: 'warn',
      message: "dropping a 'counter' resource failed: the connection was already gone",
      functionName: 'counters-shared',
      invocationId: 'inv-shared',
    });
    fn.unload();
  });

  it('refuses at load a component calling a resource function the service lacks', async () => {
    const { '[method]counter.merge': _, ...rest } = fns;
    const partial = await createHost({
      services: [{ interface: COUNTERS, functions: rest as unknown as HostService['functions'] }],
      limits: { concurrency: 1 },
      logger: () => undefined,
    });
    try {
      const error = await partial.load(await watCounters(), { name: 'counters' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LoadError);
      expect((error as LoadError).problems).toEqual([
        {
          name: `${COUNTERS}#[method]counter.merge`,
          reason: `the service for ${COUNTERS} has no function '[method]counter.merge'`,
        },
      ]);
    } finally {
      await partial.close();
    }
  });
});

describe('resource names and plans', () => {
  it('converts WIT names the way jco names classes and members', () => {
    expect(witClassName('cluster-client')).toBe('ClusterClient');
    expect(witClassName('credentials-provider')).toBe('CredentialsProvider');
    expect(witMemberName('get-secret-value')).toBe('getSecretValue');
    expect(witMemberName('take-reading')).toBe('takeReading');
  });

  it('parses resource function names', () => {
    expect(parseResourceFunction('[constructor]client')).toEqual({ kind: 'constructor', resource: 'client' });
    expect(parseResourceFunction('[method]cluster-client.command')).toEqual({
      kind: 'method',
      resource: 'cluster-client',
      member: 'command',
    });
    expect(parseResourceFunction('[static]counter.total')).toEqual({
      kind: 'static',
      resource: 'counter',
      member: 'total',
    });
    expect(parseResourceFunction('[resource-drop]counter')).toBeUndefined();
    expect(parseResourceFunction('get-managed-cluster-client')).toBeUndefined();
  });

  it('plans classes from the glue and the service, and names what the service lacks', () => {
    const { plans, missing } = planResources(
      ['ClusterClient', 'ResponseStream', 'Unused'],
      ['[method]cluster-client.command', '[method]response-stream.next'],
      ['getManagedClusterClient', '[method]cluster-client.command', '[static]cluster-client.ping'],
    );
    expect(missing).toEqual(['[method]response-stream.next']);
    expect(plans).toEqual([
      {
        className: 'ClusterClient',
        ctor: undefined,
        methods: [{ js: 'command', wit: '[method]cluster-client.command' }],
        statics: [{ js: 'ping', wit: '[static]cluster-client.ping' }],
      },
      {
        className: 'ResponseStream',
        ctor: undefined,
        methods: [{ js: 'next', wit: '[method]response-stream.next' }],
        statics: [],
      },
      { className: 'Unused', ctor: undefined, methods: [], statics: [] },
    ]);
  });

  it('reads the resource functions a glue module calls from its trampoline labels', () => {
    const glue = `
      _debugLog('[iface="momento:valkey/valkey@1.0.0", function="[method]cluster-client.command"] [Instruction::CallInterface] (sync, @ enter)');
      _debugLog('[iface="momento:valkey/valkey@1.0.0", function="[method]cluster-client.command"][Instruction::Return]', {});
      _debugLog('[iface="momento:valkey/valkey@1.0.0", function="get-managed-cluster-client"] [Instruction::CallInterface]');
      _debugLog('[iface="momento:aws-s3/aws-s3@1.0.0", function="[constructor]client"] [Instruction::CallInterface]');`;
    expect(parseGlueResourceFunctions(glue)).toEqual({
      'momento:valkey/valkey': ['[method]cluster-client.command'],
      'momento:aws-s3/aws-s3': ['[constructor]client'],
    });
  });
});
