// The guest package against a fake of momento:valkey/valkey (WIT value shapes as componentize-js
// hands them over): command encoding, reply mapping, lazy bulk reads, errors with crate texts.
import { Data } from '@momento-functions/bytes';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  Bulk,
  ClusterClient,
  Command,
  clusterClient,
  getManagedClusterClient,
  Data as ValkeyData,
  ValkeyError,
  type ValkeyValue,
} from '../../src/index.js';
import { calls, dropped, failNextCommand, resetValkey, streamReads } from '../fakes/valkey.js';

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

/** A reply as plain JS for assertions (reads bulks to the end). */
function plain(value: ValkeyValue): unknown {
  switch (value.kind) {
    case 'nil':
    case 'ok':
      return value.kind;
    case 'int':
      return value.value;
    case 'data':
      return `data:${value.value.text()}`;
    case 'simple-string':
      return `+${value.value}`;
    case 'simple-error':
      return `-${value.value}`;
    case 'bulk':
      return value.value.toArray().map(plain);
  }
}

beforeEach(() => resetValkey());

describe('clusterClient', () => {
  it('gets a client per cluster name (also as getManagedClusterClient)', () => {
    const client = clusterClient('my-cluster');
    expect(client).toBeInstanceOf(ClusterClient);
    expect(client.name).toBe('my-cluster');
    getManagedClusterClient('other').command('PING');
    expect(calls[0]?.cluster).toBe('other');
    expect(() => clusterClient(42 as unknown as string)).toThrow(
      /must be the cluster's name as a string, got number/,
    );
  });

  it('maps every WIT value case', () => {
    const client = clusterClient('c');
    expect(client.command('PING')).toEqual({ kind: 'simple-string', value: 'PONG' });
    expect(client.set('k', 'v')).toEqual({ kind: 'ok' });
    const got = client.get('k');
    expect(got.kind).toBe('data');
    expect(got.kind === 'data' && got.value).toBeInstanceOf(Data);
    expect(plain(got)).toBe('data:v');
    expect(client.get('missing')).toEqual({ kind: 'nil' });
    // `Data` is re-exported, as the crate re-exports it: the same class, usable as an argument.
    expect(ValkeyData).toBe(Data);
    expect(client.set(ValkeyData.from('k2'), ValkeyData.from(new Uint8Array([1])))).toEqual({ kind: 'ok' });
    expect(client.del('k', 'missing')).toEqual({ kind: 'int', value: 1n });
    expect(client.command('NOPE')).toEqual({ kind: 'simple-error', value: "ERR unknown command 'NOPE'" });
    expect(plain(client.command('NESTED'))).toEqual([
      1n,
      'data:a',
      [2n, [3n], []],
      '-ERR inner',
      '+FINE',
      'ok',
      'nil',
    ]);
  });
});

describe('arguments', () => {
  it('strings, bytes, Data, numbers and bigints, in order, as data::value', () => {
    const client = clusterClient('c');
    client.command(
      'ARGS',
      'héllo',
      Uint8Array.of(0, 255),
      Data.from('d'),
      42,
      -1.5,
      2n ** 70n,
      Infinity,
      -Infinity,
    );
    const args = calls[0]?.arguments ?? [];
    expect(args[1]).toEqual(Uint8Array.of(0, 255));
    expect(args.map((a, i) => (i === 1 ? 'bytes' : text(a)))).toEqual([
      'héllo',
      'bytes',
      'd',
      '42',
      '-1.5',
      '1180591620717411303424',
      '+inf',
      '-inf',
    ]);
    expect(calls[0]?.command).toBe('ARGS');
  });

  it('Command and CommandBuilder, like the crate', () => {
    const client = clusterClient('c');
    client.command(Command.set('k', 'v'));
    client.command(Command.get('k'));
    client.command(Command.del('k'));
    client.command(Command.builder('ZADD').argument('set').argument(1.5).argument('member'));
    client.command(Command.builder('FT.INFO').argument('document_index').build());
    client.set('lock', 'me', 'NX', 'PX', 10_000);
    expect(calls.map((c) => [c.command, ...c.arguments.map(text)])).toEqual([
      ['SET', 'k', 'v'],
      ['GET', 'k'],
      ['DEL', 'k'],
      ['ZADD', 'set', '1.5', 'member'],
      ['FT.INFO', 'document_index'],
      ['SET', 'lock', 'me', 'NX', 'PX', '10000'],
    ]);
  });

  it('refuses what cannot be an argument, before the host is called', () => {
    const client = clusterClient('c');
    expect(() => client.command('SET', 'k', { a: 1 } as never)).toThrow(
      /Valkey argument 1 is object; pass a string, bytes, a Data or a number \(encode objects first/,
    );
    expect(() => client.command('SET', 'k', Number.NaN)).toThrow(RangeError);
    expect(() => client.command('')).toThrow(/command name is empty/);
    expect(() => client.command(Command.get('k'), 'extra')).toThrow(/put the arguments in the Command/);
    expect(calls).toHaveLength(0);
  });
});

describe('bulk replies', () => {
  it('are read lazily, one host call per element, and released at the end', () => {
    const reply = clusterClient('c').command('ARGS', 'a', 'b', 'c');
    if (reply.kind !== 'bulk') throw new Error('expected bulk');
    expect(reply.value).toBeInstanceOf(Bulk);
    expect(streamReads).toBe(0);
    const first = reply.value.next();
    expect(first.done).toBe(false);
    expect(first.value && plain(first.value)).toBe('data:a');
    expect(streamReads).toBe(1);
    expect(dropped).toEqual([]);
    const rest = [...reply.value].map(plain);
    expect(rest).toEqual(['data:b', 'data:c']);
    expect(streamReads).toBe(4); // three elements, then the `none` that ends the stream

    expect(dropped).toEqual(['response-stream']);
    expect(reply.value.next()).toEqual({ done: true, value: undefined });
    expect(streamReads).toBe(4);
  });

  it('close() releases a bulk that was not read to the end', () => {
    const reply = clusterClient('c').command('ARGS', 'a', 'b');
    if (reply.kind !== 'bulk') throw new Error('expected bulk');
    reply.value.next();
    reply.value.close();
    expect(dropped).toEqual(['response-stream']);
    expect(reply.value.next().done).toBe(true);
  });
});

describe('errors', () => {
  it('err(other) is a ValkeyError with the crate Display and Debug texts', () => {
    const client = clusterClient('c');
    failNextCommand({ tag: 'other', val: "no Valkey cluster named 'c' is configured" });
    let caught: unknown;
    try {
      client.command('PING');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValkeyError);
    const error = caught as ValkeyError;
    expect(error.case).toBe('other');
    expect(error.detail).toBe("no Valkey cluster named 'c' is configured");
    expect(error.message).toBe("valkey error: no Valkey cluster named 'c' is configured");
    expect(error.debug).toBe(`Other("no Valkey cluster named 'c' is configured")`);
    expect(new ValkeyError('say "hi"\n').debug).toBe('Other("say \\"hi\\"\\n")');
  });

  it('anything else propagates unchanged', () => {
    failNextCommand({ tag: 'new-case' });
    expect(() => clusterClient('c').command('PING')).toThrow(/see error.payload/);
  });

  it('a closed client says so; close() drops the handle once', () => {
    const client = clusterClient('c');
    client.close();
    client.close();
    expect(dropped).toEqual(['cluster-client:c']);
    expect(() => client.command('PING')).toThrow(/was closed; get a new one with clusterClient\(\)/);
  });
});
