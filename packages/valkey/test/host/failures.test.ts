// The Valkey host service when things go wrong: nothing listening, a server that never answers,
// a server that goes away and comes back, a cancelled invocation, slow replies after a timeout.
import { createServer, type Server, type Socket } from 'node:net';
import {
  ErrorReply,
  encodeCommand,
  type Reply,
  RespParser,
  RespProtocolError,
  StatusReply,
} from '@momento-functions/runtime/services/valkey';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startRedis } from '../../../cache/test/support/redis.js';
import { context, plain, type Service, valkeyService } from './support.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function quietService(url: string, timeouts: { commandTimeoutMs?: number; connectTimeoutMs?: number } = {}) {
  const errors: string[] = [];
  const svc = valkeyService({ clusters: { c: url }, ...timeouts, onError: (e) => errors.push(e.message) });
  cleanup.push(() => svc.close());
  return { svc, errors };
}

/** A TCP server speaking just enough RESP: `answer(n)` decides the reply and delay of the nth command. */
async function fakeServer(
  answer: (n: number, args: string[]) => { reply?: string; delayMs?: number },
): Promise<{
  url: string;
  sockets: Socket[];
}> {
  const port = await freePort();
  const sockets: Socket[] = [];
  let n = 0;
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    // Replies leave in command order, like a real server: each waits for the one before it.
    let previous = Promise.resolve();
    const parser = new RespParser((reply) => {
      const args = (reply as Uint8Array[]).map((a) => Buffer.from(a).toString());
      const { reply: text, delayMs = 0 } = answer(++n, args);
      if (text === undefined) return;
      const ready = new Promise<void>((resolve) => setTimeout(resolve, delayMs));
      previous = Promise.all([previous, ready]).then(() => {
        if (socket.writable) socket.write(text);
      });
    });
    socket.on('data', (chunk: Buffer) => parser.feed(chunk));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  cleanup.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return { url: `redis://127.0.0.1:${port}`, sockets };
}

const errText = (r: { tag: string; val: unknown }) =>
  r.tag === 'err'
    ? (r.val as { val: string }).val
    : `ok: ${JSON.stringify(r.val, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`;

describe('failures are err(other) within bounded time', () => {
  it('nothing listening: err at once, naming the server and what to check', async () => {
    const port = await freePort();
    const { svc, errors } = quietService(`redis://127.0.0.1:${port}`);
    const started = Date.now();
    const r = await svc.command(svc.client('c'), 'GET', 'k');
    expect(Date.now() - started).toBeLessThan(1500);
    expect(errText(r)).toMatch(
      new RegExp(
        `^GET on cluster 'c' failed: could not connect to redis://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.*check that the server runs`,
      ),
    );
    expect(errors).toHaveLength(1);
  });

  it('a server that never answers: err after commandTimeoutMs', async () => {
    const { url } = await fakeServer(() => ({}));
    const { svc } = quietService(url, { commandTimeoutMs: 300 });
    const started = Date.now();
    const r = await svc.command(svc.client('c'), 'PING');
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(2000);
    expect(errText(r)).toMatch(/did not answer within 300 ms/);
  });

  it('a reply that comes after its command timed out is dropped; later replies stay matched', async () => {
    const { url } = await fakeServer((n) => ({ reply: `+R${n}\r\n`, delayMs: n === 1 ? 450 : 0 }));
    const { svc } = quietService(url, { commandTimeoutMs: 300 });
    const c = svc.client('c');
    const first = svc.command(c, 'PING');
    await new Promise((r) => setTimeout(r, 250));
    const second = svc.command(c, 'PING');
    expect(errText(await first)).toMatch(/did not answer within 300 ms/);
    expect(await second).toEqual({ tag: 'ok', val: { tag: 'simple-string', val: 'R2' } });
    expect(await svc.command(c, 'PING')).toEqual({ tag: 'ok', val: { tag: 'simple-string', val: 'R3' } });
  });

  it('a cancelled invocation stops waiting', async () => {
    const { url } = await fakeServer(() => ({}));
    const { svc, errors } = quietService(url, { commandTimeoutMs: 10_000 });
    const controller = new AbortController();
    const pending = svc.commandIn(context(controller.signal), svc.client('c'), 'GET', 'k');
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    expect(errText(await pending)).toMatch(/the invocation ended before Valkey answered/);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(errors).toEqual([]);
  });

  it('a connection lost mid-command fails that command; the next command reconnects', async () => {
    let dropFirst = true;
    const { url, sockets } = await fakeServer((n) => {
      if (dropFirst) {
        dropFirst = false;
        setTimeout(() => sockets[0]?.destroy(), 50);
        return {};
      }
      return { reply: `:${n}\r\n` };
    });
    const { svc } = quietService(url);
    const lost = await svc.command(svc.client('c'), 'INCR', 'k');
    expect(errText(lost)).toMatch(
      /lost the connection to redis:\/\/127\.0\.0\.1:\d+ .*may or may not have run/,
    );
    expect(await svc.command(svc.client('c'), 'INCR', 'k')).toEqual({
      tag: 'ok',
      val: { tag: 'int', val: 2n },
    });
  });

  it('a real server stopped and restarted on the same port: err while down, works again after', async () => {
    const redis = await startRedis();
    const { svc } = quietService(redis.url);
    const c = svc.client('c');
    expect(await svc.command(c, 'SET', 'k', 'v')).toEqual({ tag: 'ok', val: { tag: 'ok' } });
    await redis.stop();
    const down = await svc.command(c, 'GET', 'k');
    expect(down.tag).toBe('err');
    const { spawn } = await import('node:child_process');
    const child = spawn(
      'redis-server',
      ['--port', String(redis.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    cleanup.push(
      () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill();
        }),
    );
    const deadline = Date.now() + 10_000;
    let back = await svc.command(c, 'PING');
    while (back.tag === 'err' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      back = await svc.command(c, 'PING');
    }
    expect(back).toEqual({ tag: 'ok', val: { tag: 'simple-string', val: 'PONG' } });
  });

  it('authentication from the URL: a refused password is err naming it, a right one works', async () => {
    const { url } = await fakeServer((_, args) =>
      args[0] === 'AUTH'
        ? { reply: args[2] === 'right' ? '+OK\r\n' : '-WRONGPASS invalid username-password pair\r\n' }
        : { reply: `$${args.join(' ').length}\r\n${args.join(' ')}\r\n` },
    );
    const wrong = quietService(url.replace('redis://', 'redis://app:wrong@')).svc;
    const r = await wrong.command(wrong.client('c'), 'PING');
    expect(errText(r)).toMatch(/redis:\/\/app:\*\*\*@127\.0\.0\.1:\d+ refused authentication: WRONGPASS/);
    expect(errText(r)).not.toMatch(/wrong/);
    const right = quietService(url.replace('redis://', 'redis://app:right@')).svc;
    const ok = await right.command(right.client('c'), 'ECHO', 'hi');
    expect(ok.tag === 'ok' && plain(right, ok.val)).toBe('data:ECHO hi');
  });

  it('after close(), commands are refused', async () => {
    const redis = await startRedis();
    cleanup.push(() => redis.stop());
    const svc: Service = valkeyService({ clusters: { c: redis.url }, onError: () => {} });
    const c = svc.client('c');
    expect((await svc.command(c, 'PING')).tag).toBe('ok');
    await svc.close();
    expect(errText(await svc.command(c, 'PING'))).toMatch(/the host is closing/);
  });
});

describe('RESP parser', () => {
  const collect = (...chunks: string[]) => {
    const out: Reply[] = [];
    const parser = new RespParser((r) => out.push(r));
    for (const chunk of chunks) parser.feed(Buffer.from(chunk, 'latin1'));
    return out;
  };
  const wire =
    '+OK\r\n-ERR x\r\n:-12\r\n$4\r\na\r\nb\r\n$-1\r\n*-1\r\n*0\r\n*3\r\n:1\r\n*2\r\n$0\r\n\r\n-E\r\n+S\r\n';
  const expected = [
    new StatusReply('OK'),
    new ErrorReply('ERR x'),
    -12n,
    new Uint8Array(Buffer.from('a\r\nb')),
    null,
    null,
    [],
    [1n, [new Uint8Array(0), new ErrorReply('E')], new StatusReply('S')],
  ];

  it('parses every RESP2 type, whole or split at any byte', () => {
    expect(collect(wire)).toEqual(expected);
    expect(collect(...wire.split(''))).toEqual(expected);
    for (let cut = 1; cut < wire.length; cut++) {
      expect(collect(wire.slice(0, cut), wire.slice(cut))).toEqual(expected);
    }
  });

  it('encodes commands as arrays of bulk strings', () => {
    expect(encodeCommand([Buffer.from('SET'), Buffer.from('k'), new Uint8Array([0, 255])])).toEqual(
      Buffer.concat([
        Buffer.from('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\n'),
        Buffer.from([0, 255]),
        Buffer.from('\r\n'),
      ]),
    );
  });

  it('refuses what is not RESP2', () => {
    expect(() => collect('%1\r\n')).toThrow(RespProtocolError);
    expect(() => collect(':x\r\n')).toThrow(/bad integer "x"/);
  });
});
