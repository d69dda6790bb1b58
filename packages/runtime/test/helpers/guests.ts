/** The test guests: WAT (hand-written canonical ABI, no binding generator) and plain JS. */
import { jsComponent, watComponent } from './components.js';

const WEB_WORLD = (name: string, imports: string[] = []) =>
  `package test:${name};\nworld guest {\n  import momento:web-function/web-function-support@1.0.0;\n${imports.map((i) => `  import ${i};\n`).join('')}  export momento:web-function/guest-function-web@1.0.0;\n}\n`;

/** Bump allocator + memory shared by the WAT guests. */
const PRELUDE = `
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const 4096))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $r i32)
    (local.set $r (i32.and (i32.add (global.get $bump) (i32.const 7)) (i32.const -8)))
    (global.set $bump (i32.add (local.get $r) (local.get 3)))
    (local.get $r))
  (func (export "cabi_post_momento:web-function/guest-function-web@1.0.0#invoke") (param i32))
`;

/** Response record at 256: status 200, no headers, body = value(ptr, len). */
const RESPOND_VALUE = (ptr: string, len: string) => `
    (i32.store16 (i32.const 256) (i32.const 200))
    (i32.store (i32.const 260) (i32.const 0))
    (i32.store (i32.const 264) (i32.const 0))
    (i32.store8 (i32.const 268) (i32.const 1))
    (i32.store (i32.const 272) ${ptr})
    (i32.store (i32.const 276) ${len})
    (i32.const 256)`;

const DROP_REQUEST = '(if (i32.eqz (local.get 0)) (then (call $drop (local.get 1))))';
const DROP_IMPORT = '(import "momento:bytes/bytes@1.0.0" "[resource-drop]buffer" (func $drop (param i32)))';

/**
 * Hello with a global counter: answers `hello N`, where N counts invocations seen by this
 * instance (a fresh instance always says `hello 1`).
 */
export const watHello = () =>
  watComponent(
    WEB_WORLD('hello'),
    `(module ${DROP_IMPORT} ${PRELUDE}
  (global $count (mut i32) (i32.const 0))
  (data (i32.const 16) "hello 0")
  (func (export "momento:web-function/guest-function-web@1.0.0#invoke") (param i32 i32 i32) (result i32)
    ${DROP_REQUEST}
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (i32.store8 (i32.const 22) (i32.add (i32.const 48) (global.get $count)))
    ${RESPOND_VALUE('(i32.const 16)', '(i32.const 7)')}))`,
  );

/** Echo: hands the request buffer (or value) straight back as the response body. */
export const watEcho = () =>
  watComponent(
    WEB_WORLD('echo'),
    `(module ${PRELUDE}
  (func (export "momento:web-function/guest-function-web@1.0.0#invoke") (param i32 i32 i32) (result i32)
    (i32.store16 (i32.const 256) (i32.const 200))
    (i32.store (i32.const 260) (i32.const 0))
    (i32.store (i32.const 264) (i32.const 0))
    (i32.store8 (i32.const 268) (local.get 0))
    (i32.store (i32.const 272) (local.get 1))
    (i32.store (i32.const 276) (local.get 2))
    (i32.const 256)))`,
  );

/** Never returns. */
export const watLoop = () =>
  watComponent(
    WEB_WORLD('loop'),
    `(module ${PRELUDE}
  (func (export "momento:web-function/guest-function-web@1.0.0#invoke") (param i32 i32 i32) (result i32)
    (loop $forever (br $forever))
    (i32.const 0)))`,
  );

/** Traps (`unreachable`), as a Rust panic with panic=abort does. */
export const watTrap = () =>
  watComponent(
    WEB_WORLD('trap'),
    `(module ${PRELUDE}
  (func (export "momento:web-function/guest-function-web@1.0.0#invoke") (param i32 i32 i32) (result i32)
    unreachable))`,
  );

/** Grows its memory by 64 KiB pages until memory.grow fails, then traps. */
export const watGreedy = () =>
  watComponent(
    WEB_WORLD('greedy'),
    `(module ${PRELUDE}
  (func (export "momento:web-function/guest-function-web@1.0.0#invoke") (param i32 i32 i32) (result i32)
    (loop $more
      (br_if $more (i32.ne (memory.grow (i32.const 16)) (i32.const -1))))
    unreachable))`,
  );

/** Calls `momento:log/logging#log("hello from wat", info)` `calls` times, then answers `ok`. */
export const watLogger = (calls: number) =>
  watComponent(
    WEB_WORLD(`logger${calls}`, ['momento:log/logging@1.0.0']),
    `(module ${DROP_IMPORT}
  (import "momento:log/logging@1.0.0" "log" (func $log (param i32 i32 i32)))
  ${PRELUDE}
  (data (i32.const 16) "hello from wat")
  (data (i32.const 40) "ok")
  (func (export "momento:web-function/guest-function-web@1.0.0#invoke") (param i32 i32 i32) (result i32)
    (local $i i32)
    ${DROP_REQUEST}
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (i32.const ${calls})))
      (call $log (i32.const 16) (i32.const 14) (i32.const 2))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    ${RESPOND_VALUE('(i32.const 40)', '(i32.const 2)')}))`,
  );

/** Calls `momento:spawn/spawn#spawn-function("worker", "job-1")` and answers with the result discriminant. */
export const watSpawner = () =>
  watComponent(
    WEB_WORLD('spawner', ['momento:spawn/spawn@1.0.0']),
    `(module ${DROP_IMPORT}
  (import "momento:spawn/spawn@1.0.0" "spawn-function" (func $spawn (param i32 i32 i32 i32 i32)))
  ${PRELUDE}
  (data (i32.const 16) "worker")
  (data (i32.const 32) "job-1")
  (data (i32.const 48) "0")
  (func (export "momento:web-function/guest-function-web@1.0.0#invoke") (param i32 i32 i32) (result i32)
    ${DROP_REQUEST}
    (call $spawn (i32.const 16) (i32.const 6) (i32.const 32) (i32.const 5) (i32.const 64))
    (i32.store8 (i32.const 48) (i32.add (i32.const 48) (i32.load8_u (i32.const 64))))
    ${RESPOND_VALUE('(i32.const 48)', '(i32.const 1)')}))`,
  );

/** A spawn function answering `ok-note("got N bytes")`-like: ok-note with a fixed text. */
export const watSpawned = () =>
  watComponent(
    'package test:spawned;\nworld guest {\n  export momento:spawn-function/guest-function-spawn@1.0.0;\n}\n',
    `(module ${DROP_IMPORT}
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const 4096))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $r i32)
    (local.set $r (i32.and (i32.add (global.get $bump) (i32.const 7)) (i32.const -8)))
    (global.set $bump (i32.add (local.get $r) (local.get 3)))
    (local.get $r))
  (func (export "cabi_post_momento:spawn-function/guest-function-spawn@1.0.0#spawned") (param i32))
  (data (i32.const 16) "spawned!")
  (func (export "momento:spawn-function/guest-function-spawn@1.0.0#spawned") (param i32 i32 i32) (result i32)
    ${DROP_REQUEST}
    (i32.store8 (i32.const 256) (i32.const 0))
    (i32.store8 (i32.const 260) (i32.const 1))
    (i32.store (i32.const 264) (i32.const 16))
    (i32.store (i32.const 268) (i32.const 8))
    (i32.const 256)))`,
  );

/** Imports a WASI interface the platform refuses, an unknown interface, and one with no service here. */
export const watRefused = () =>
  watComponent(
    `package test:refused;\ninterface nope { f: func(); }\nworld guest {\n  import wasi:sockets/tcp@0.2.0;\n  import nope;\n  import momento:aws-s3/aws-s3@1.0.0;\n  export momento:web-function/guest-function-web@1.0.0;\n}\n`,
    `(module
  (import "wasi:sockets/tcp@0.2.0" "connect" (func (param i32)))
  (import "test:refused/nope" "f" (func))
  (import "momento:aws-s3/aws-s3@1.0.0" "[resource-drop]client" (func (param i32)))
  ${PRELUDE}
  (func (export "momento:web-function/guest-function-web@1.0.0#invoke") (param i32 i32 i32) (result i32)
    unreachable))`,
  );

/** The JS guest world: everything the semantics tests touch. */
const JS_WORLD = `package test:js;
world guest {
  import momento:web-function/web-function-support@1.0.0;
  import momento:web-function/web-function-stream@1.0.0;
  import momento:cache-scalar/cache-scalar@1.0.0;
  import wasi:cli/environment@0.2.3;
  export momento:web-function/guest-function-web@1.0.0;
}
`;

/** The plain-JS guest (componentize-js); its behaviour is chosen by the invocation path. */
export const jsGuest = () => jsComponent(JS_WORLD, JS_GUEST);

const JS_GUEST = `
import * as support from 'momento:web-function/web-function-support@1.0.0';
import * as stream from 'momento:web-function/web-function-stream@1.0.0';
import * as cache from 'momento:cache-scalar/cache-scalar@1.0.0';
import { getEnvironment } from 'wasi:cli/environment@0.2.3';

let count = 0;
const enc = new TextEncoder();
const dec = new TextDecoder();
const json = (status, value) => ({
  status,
  headers: [{ name: 'content-type', value: 'application/json' }],
  body: { tag: 'value', val: enc.encode(JSON.stringify(value)) },
});
const attempt = (f) => { try { return { ok: f() ?? null }; } catch (e) { return { err: e && e.payload !== undefined ? e.payload : String(e) }; } };
const bytes = (s) => ({ tag: 'value', val: enc.encode(s) });

export const guestFunctionWeb = {
  invoke(request) {
    count++;
    const path = support.invocationPath();
    const query = Object.fromEntries(support.queryParameters().map((q) => [q.name, q.value]));
    switch (path) {
      case 'count':
        return json(200, { count });
      case 'report':
        return json(200, {
          method: support.httpMethod(),
          path,
          pathAgain: support.invocationPath() ?? null,
          headers: support.headers(),
          headersAgain: support.headers(),
          queryAgain: support.queryParameters(),
          token: support.tokenMetadata() ?? null,
          tokenAgain: support.tokenMetadata() ?? null,
          id: support.invocationId(),
          env: getEnvironment(),
          requestTag: request.tag,
        });
      case 'buffer': {
        const b = request.val;
        const out = {};
        out.remaining = b.remaining();
        out.read0 = Array.from(b.read(0) ?? [-1]);
        out.read3 = dec.decode(b.read(3));
        b.advance(2);
        out.afterAdvance = b.remaining();
        out.read100 = dec.decode(b.read(100));
        b.advance(1000);
        out.atEnd = b.read(10) === undefined;
        out.read0AtEnd = b.read(0) === undefined;
        out.remainingAtEnd = b.remaining();
        return json(200, out);
      }
      case 'sse': {
        const results = [];
        results.push(attempt(() => stream.sendSse('greeting', '1', bytes('hello\\nworld'))));
        results.push(attempt(() => stream.sendSse(undefined, undefined, undefined)));
        results.push(attempt(() => stream.sendSse('bad\\nname', undefined, bytes('x'))));
        results.push(attempt(() => stream.sendSse('x'.repeat(513), undefined, undefined)));
        results.push(attempt(() => stream.sendSse(undefined, 'a\\rb', bytes('x'))));
        results.push(attempt(() => stream.sendSse(undefined, undefined, { tag: 'value', val: new Uint8Array([0xff, 0xfe]) })));
        results.push(attempt(() => stream.sendSse(undefined, undefined, { tag: 'value', val: new Uint8Array(1024 * 1024 + 1) })));
        results.push(attempt(() => stream.sendSse(undefined, 'only-id', undefined)));
        results.push(attempt(() => stream.sendSse(undefined, undefined, bytes(''))));
        results.push(attempt(() => stream.sendSse('heartbeat', undefined, undefined)));
        results.push(attempt(() => stream.sendSse(undefined, undefined, bytes(JSON.stringify(results)))));
        const status = Number(query.status ?? 200);
        return { status, headers: [{ name: 'x-ignored', value: '1' }], body: bytes('it went wrong\\nbadly') };
      }
      case 'raw': {
        const r1 = attempt(() => stream.sendData(bytes('too early')));
        stream.sendResponseStart(201, [{ name: 'content-type', value: 'application/x-ndjson' }]);
        const r2 = attempt(() => stream.sendResponseStart(202, []));
        stream.sendData(bytes(JSON.stringify({ r1, r2 }) + '\\n'));
        stream.sendData(request);
        return { status: 200, headers: [], body: bytes('\\ntail') };
      }
      case 'sse-after-start': {
        stream.sendResponseStart(200, [{ name: 'content-type', value: 'text/event-stream' }, { name: 'x-mine', value: 'yes' }]);
        stream.sendSse('one', undefined, bytes('1'));
        return { status: 500, headers: [], body: bytes('late failure') };
      }
      case 'sse-after-start-bad': {
        // The sse-proxy's relay failure (the upstream sse-proxy example): the first send-sse after send-response-start is refused.
        stream.sendResponseStart(200, [{ name: 'content-type', value: 'text/event-stream' }]);
        const r = attempt(() => stream.sendSse(undefined, undefined, { tag: 'value', val: new Uint8Array([0xff]) }));
        return { status: 500, headers: [], body: bytes('failed to relay SSE event: ' + r.err) };
      }
      case 'slow': {
        // Busy for query.ms, then answers with the VERSION it was loaded with.
        const until = Date.now() + Number(query.ms ?? 0);
        while (Date.now() < until) {}
        const env = Object.fromEntries(getEnvironment());
        return json(200, { version: env.VERSION ?? null });
      }
      case 'throw':
        throw new Error('boom');
      case 'loop':
        for (;;) {}
      case 'big':
        return { status: 200, headers: [], body: { tag: 'value', val: new Uint8Array(Number(query.size ?? 0)) } };
      case 'cache-set': {
        // The request buffer handed to a service (zero-copy), then read back.
        const key = bytes('k');
        const r = attempt(() => cache.set(key, request, 0n));
        return json(200, { set: r });
      }
      case 'proxy': {
        // A streamed host body handed straight back as the response body.
        const got = cache.get(bytes('stream'));
        return { status: 200, headers: [{ name: 'content-type', value: 'text/plain' }], body: got };
      }
      case 'read-stream': {
        const got = cache.get(bytes('stream'));
        const b = got.val;
        const seen = [];
        seen.push(b.remaining());
        let chunk;
        while ((chunk = b.read(4)) !== undefined) seen.push(dec.decode(chunk));
        return json(200, { tag: got.tag, seen });
      }
      case 'cache-error': {
        return json(200, attempt(() => cache.get(bytes('missing'))));
      }
      case 'sse-chunks': {
        for (let i = 0; i < 3; i++) {
          stream.sendSse('tick', String(i), bytes(String(i)));
          const until = Date.now() + 30;
          while (Date.now() < until) {}
        }
        return { status: 200, headers: [], body: bytes('') };
      }
      default:
        return json(404, { error: 'unknown path', path: path ?? null });
    }
  },
};
`;

/**
 * Mints a 60-second token whose permissions are the request body, and answers 200 with the api
 * key, or 403 with the token error's text (empty for internal-error). Used by the authorization,
 * metrics and auth-matrix tests.
 */
export const watMinter = () =>
  watComponent(
    'package test:minter;\nworld guest {\n  import momento:token/token@1.0.0;\n  export momento:web-function/guest-function-web@1.0.0;\n}\n',
    `(module
  (import "momento:bytes/bytes@1.0.0" "[resource-drop]buffer" (func $drop (param i32)))
  (import "momento:bytes/bytes@1.0.0" "[method]buffer.read" (func $read (param i32 i32 i32)))
  (import "momento:token/token@1.0.0" "generate-disposable-token"
    (func $mint (param i32 i32 i32 i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const 4096))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $r i32)
    (local.set $r (i32.and (i32.add (global.get $bump) (i32.const 7)) (i32.const -8)))
    (global.set $bump (i32.add (local.get $r) (local.get 3)))
    (local.get $r))
  (func (export "cabi_post_momento:web-function/guest-function-web@1.0.0#invoke") (param i32))
  (func (export "momento:web-function/guest-function-web@1.0.0#invoke") (param i32 i32 i32) (result i32)
    (local $ptr i32) (local $len i32)
    (if (i32.eqz (local.get 0))
      (then
        (call $read (local.get 1) (i32.const 65536) (i32.const 512))
        (if (i32.load8_u (i32.const 512))
          (then
            (local.set $ptr (i32.load (i32.const 516)))
            (local.set $len (i32.load (i32.const 520)))))
        (call $drop (local.get 1)))
      (else
        (local.set $ptr (local.get 1))
        (local.set $len (local.get 2))))
    (call $mint (i32.const 60) (local.get $ptr) (local.get $len)
      (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 260) (i32.const 0))
    (i32.store (i32.const 264) (i32.const 0))
    (i32.store8 (i32.const 268) (i32.const 1))
    (if (i32.eqz (i32.load8_u (i32.const 1024)))
      (then
        (i32.store16 (i32.const 256) (i32.const 200))
        (i32.store (i32.const 272) (i32.load (i32.const 1032)))
        (i32.store (i32.const 276) (i32.load (i32.const 1036))))
      (else
        (i32.store16 (i32.const 256) (i32.const 403))
        (i32.store (i32.const 272) (i32.load (i32.const 1036)))
        (i32.store (i32.const 276)
          (select (i32.const 0) (i32.load (i32.const 1040)) (i32.eqz (i32.load8_u (i32.const 1032)))))))
    (i32.const 256)))`,
  );
