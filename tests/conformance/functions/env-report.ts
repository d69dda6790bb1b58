// TypeScript counterpart of the `env-report` fixture (tests/fixtures/rust-official/env-report,
// docs/fixtures.md): reports what the host handed to this invocation as 200 text. The first six
// lines have the shape of the upstream `function-environment` example; query
// parameters, headers and configuration are sorted by name (byte order, like Rust's BTreeMap) and
// a name given twice keeps its last value (the crate's HashMap semantics).
import type { Data } from '@momento-functions/bytes';
import { environment, environmentVariables, web } from '@momento-functions/guest-web';

/** Compares by Unicode code point, which is the UTF-8 byte order Rust's `String` `Ord` uses. */
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function joined(pairs: Iterable<readonly [string, string]>): string {
  const last = new Map<string, string>();
  for (const [k, v] of pairs) last.set(k, v);
  return [...last]
    .sort(([a], [b]) => byCodePoint(a, b))
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

export default web((body: Data) => {
  const env = environment();
  const configuration = [...environmentVariables()].filter(([name]) => !name.startsWith('__'));
  return (
    `Cache: ${env.cacheName},\n` +
    `Function: ${env.functionName},\n` +
    `Invocation ID: ${env.invocationId},\n` +
    `Query parameters: ${joined(env.queryParameters)},\n` +
    `HTTP method: ${env.method}\n` +
    `HTTP path: ${env.path}\n` +
    `Headers: ${joined(env.headers)}\n` +
    `Token metadata: ${env.tokenMetadata ?? '<none>'}\n` +
    `Environment: ${joined(configuration)}\n` +
    `Body length: ${body.bytes().length}\n`
  );
});
