/**
 * WAT guests of the test-only `test:counters/counters@1.0.0` interface (test/wit/counters.wit):
 * hand-written canonical ABI, so every resource call and every handle drop happens exactly where
 * the test expects it.
 */
import { watComponent } from './components.js';

export const COUNTERS = 'test:counters/counters@1.0.0';

const WORLD = (name: string) =>
  `package test:${name};\nworld guest {\n  import momento:web-function/web-function-support@1.0.0;\n  import ${COUNTERS};\n  export momento:web-function/guest-function-web@1.0.0;\n}\n`;

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

const IMPORTS = {
  new: `(import "${COUNTERS}" "[constructor]counter" (func $new (param i32) (result i32)))`,
  add: `(import "${COUNTERS}" "[method]counter.add" (func $add (param i32 i32) (result i32)))`,
  takeReading: `(import "${COUNTERS}" "[method]counter.take-reading" (func $take_reading (param i32 i32)))`,
  merge: `(import "${COUNTERS}" "[method]counter.merge" (func $merge (param i32 i32) (result i32)))`,
  total: `(import "${COUNTERS}" "[static]counter.total" (func $total (param i32 i32) (result i32)))`,
  open: `(import "${COUNTERS}" "open-counter" (func $open (param i32 i32) (result i32)))`,
  value: `(import "${COUNTERS}" "[method]counter-reading.value" (func $value (param i32) (result i32)))`,
  dropCounter: `(import "${COUNTERS}" "[resource-drop]counter" (func $drop_counter (param i32)))`,
  dropReading: `(import "${COUNTERS}" "[resource-drop]counter-reading" (func $drop_reading (param i32)))`,
  dropBuffer: '(import "momento:bytes/bytes@1.0.0" "[resource-drop]buffer" (func $drop_buffer (param i32)))',
};

const DROP_REQUEST = '(if (i32.eqz (local.get 0)) (then (call $drop_buffer (local.get 1))))';

/** Response record at 256: status 200, no headers, body = value(ptr, len). */
const RESPOND = (ptr: number, len: number) => `
    (i32.store16 (i32.const 256) (i32.const 200))
    (i32.store (i32.const 260) (i32.const 0))
    (i32.store (i32.const 264) (i32.const 0))
    (i32.store8 (i32.const 268) (i32.const 1))
    (i32.store (i32.const 272) (i32.const ${ptr}))
    (i32.store (i32.const 276) (i32.const ${len}))
    (i32.const 256)`;

/**
 * Uses every kind of resource function, answering six little-endian u32s:
 * 1. `c = new counter(10)`; `c.add(5)` → 15
 * 2. `o = open-counter("named")` (the service starts it at 100); `counter.total(c, o)` (two borrows) → 115
 * 3. `c.take-reading()` → `ok(taken(r))`; `r.value()` → 15
 * 4. drop `r`, then `c.add(1)` → 16 (the drop reaches the service before this call)
 * 5. `c.merge(o)` (`o` moves to the host) → 116
 * 6. `leak = new counter(7)`, never dropped; drop `c`; the `take-reading` result discriminants
 *    (ok = 0, taken = 1) as `disc + 10 * case` → 10
 */
export const watCounters = () =>
  watComponent(
    WORLD('counters-full'),
    `(module ${Object.values(IMPORTS).join('\n  ')}
  ${PRELUDE}
  (data (i32.const 16) "named")
  (func (export "momento:web-function/guest-function-web@1.0.0#invoke") (param i32 i32 i32) (result i32)
    (local $c i32) (local $o i32) (local $r i32) (local $leak i32)
    ${DROP_REQUEST}
    (local.set $c (call $new (i32.const 10)))
    (i32.store (i32.const 512) (call $add (local.get $c) (i32.const 5)))
    (local.set $o (call $open (i32.const 16) (i32.const 5)))
    (i32.store (i32.const 516) (call $total (local.get $c) (local.get $o)))
    (call $take_reading (local.get $c) (i32.const 128))
    (local.set $r (i32.load (i32.const 136)))
    (i32.store (i32.const 520) (call $value (local.get $r)))
    (call $drop_reading (local.get $r))
    (i32.store (i32.const 524) (call $add (local.get $c) (i32.const 1)))
    (i32.store (i32.const 528) (call $merge (local.get $c) (local.get $o)))
    (local.set $leak (call $new (i32.const 7)))
    (call $drop_counter (local.get $c))
    (i32.store (i32.const 532)
      (i32.add (i32.load8_u (i32.const 128)) (i32.mul (i32.const 10) (i32.load8_u (i32.const 132)))))
    ${RESPOND(512, 24)}))`,
  );

/** Makes a counter (constructor) and one through `open-counter`, then fails as `how` says. */
export const watCountersThenFail = (how: 'trap' | 'loop') =>
  watComponent(
    WORLD(`counters-${how}`),
    `(module ${IMPORTS.new}
  ${IMPORTS.open}
  ${IMPORTS.dropCounter}
  ${IMPORTS.dropBuffer}
  ${PRELUDE}
  (data (i32.const 16) "doomed")
  (func (export "momento:web-function/guest-function-web@1.0.0#invoke") (param i32 i32 i32) (result i32)
    ${DROP_REQUEST}
    (drop (call $new (i32.const 1)))
    (drop (call $open (i32.const 16) (i32.const 6)))
    ${how === 'trap' ? 'unreachable' : '(loop $forever (br $forever)) (i32.const 0)'}))`,
  );

/** `new counter(start)` only, answering `ok` (the constructor may fail: start 666 is refused by the test service). */
export const watCounterNew = (start: number) =>
  watComponent(
    WORLD('counters-new'),
    `(module ${IMPORTS.new}
  ${IMPORTS.dropCounter}
  ${IMPORTS.dropBuffer}
  ${PRELUDE}
  (data (i32.const 16) "ok")
  (func (export "momento:web-function/guest-function-web@1.0.0#invoke") (param i32 i32 i32) (result i32)
    ${DROP_REQUEST}
    (call $drop_counter (call $new (i32.const ${start})))
    ${RESPOND(16, 2)}))`,
  );

/**
 * Gets two handles to what the service returns for `open-counter("same")` (one object), drops
 * the first, uses and drops the second, then opens `mark` (left for the end of the invocation).
 */
export const watCountersShared = () =>
  watComponent(
    WORLD('counters-shared'),
    `(module ${IMPORTS.add}
  ${IMPORTS.open}
  ${IMPORTS.dropCounter}
  ${IMPORTS.dropBuffer}
  ${PRELUDE}
  (data (i32.const 16) "same")
  (data (i32.const 24) "mark")
  (data (i32.const 32) "ok")
  (func (export "momento:web-function/guest-function-web@1.0.0#invoke") (param i32 i32 i32) (result i32)
    (local $a i32) (local $b i32)
    ${DROP_REQUEST}
    (local.set $a (call $open (i32.const 16) (i32.const 4)))
    (local.set $b (call $open (i32.const 16) (i32.const 4)))
    (call $drop_counter (local.get $a))
    (drop (call $add (local.get $b) (i32.const 1)))
    (call $drop_counter (local.get $b))
    (drop (call $open (i32.const 24) (i32.const 4)))
    ${RESPOND(32, 2)}))`,
  );
