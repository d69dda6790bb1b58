/**
 * Every Momento interface as the upstream crates' WIT (`momentohq/functions` 0.25.1) defines it, in normalized WIT: named types
 * (`use X` for a type taken from another interface) and functions. Variant, enum and record
 * member order is ABI and is compared exactly; the order of the type entries is not.
 */
export const referenceSignatures: Record<
  string,
  { types: Record<string, string>; functions: Record<string, string> }
> = {
  'momento:aws-auth/aws-auth@1.0.0': {
    types: {
      credentials: 'record { access-key-id: string, secret-access-key: string }',
      'iam-role': 'record { role-arn: string }',
      authorization: 'variant { hardcoded(credentials), federated(iam-role) }',
      'credentials-provider': 'resource',
      'auth-error': 'variant { unauthorized(string) }',
    },
    functions: {
      provider:
        'func(authorization: authorization, region: string) -> result<credentials-provider, auth-error>',
    },
  },
  'momento:aws-ddb/aws-ddb@1.0.0': {
    types: {
      'credentials-provider': 'use credentials-provider',
      client: 'resource',
      data: 'use data',
      item: 'variant { json(data) }',
      'return-values': 'variant { none, all-old }',
      'return-consumed-capacity': 'variant { none, total, indexes }',
      conditional:
        'record { expression: string, expression-attribute-names: option<list<tuple<string, string>>>, expression-attribute-values: option<item> }',
      'put-item-request':
        'record { table-name: string, item: item, return-values: return-values, return-consumed-capacity: return-consumed-capacity, condition: option<conditional> }',
      capacity:
        'record { capacity-units: option<f64>, read-capacity-units: option<f64>, write-capacity-units: option<f64> }',
      'consumed-capacity':
        'record { table-name: string, capacity-units: option<f64>, read-capacity-units: option<f64>, write-capacity-units: option<f64>, table: option<capacity>, local-secondary-indexes: option<list<tuple<string, capacity>>>, global-secondary-indexes: option<list<tuple<string, capacity>>> }',
      'put-item-output': 'record { attributes: option<item>, consumed-capacity: option<consumed-capacity> }',
      'ddb-error': 'variant { unauthorized(string), malformed(string), other(string) }',
      'key-value': 'variant { s(string), n(string), b(string) }',
      'key-attribute': 'record { name: string, value: key-value }',
      'get-item-request':
        'record { table-name: string, key: list<key-attribute>, consistent-read: bool, return-consumed-capacity: return-consumed-capacity, projection-expression: option<string>, expression-attribute-names: option<list<tuple<string, string>>> }',
      'get-item-output': 'record { item: option<item>, consumed-capacity: option<consumed-capacity> }',
    },
    functions: {
      '[constructor]client': 'func(credentials: borrow<credentials-provider>) -> client',
      '[method]client.put-item':
        'func(self: borrow<client>, request: put-item-request) -> result<put-item-output, ddb-error>',
      '[method]client.get-item':
        'func(self: borrow<client>, request: get-item-request) -> result<get-item-output, ddb-error>',
    },
  },
  'momento:aws-lambda/aws-lambda@1.0.0': {
    types: {
      'credentials-provider': 'use credentials-provider',
      client: 'resource',
      data: 'use data',
      'log-type': 'variant { tail }',
      'invoke-synchronous-parameters':
        'record { log-type: option<log-type>, client-context: option<string> }',
      'invocation-type': 'variant { request-response(invoke-synchronous-parameters), event, dry-run }',
      'invoke-request':
        'record { function-name: string, qualifier: option<string>, payload: option<data>, invocation-type: invocation-type }',
      'invoke-output':
        'record { status-code: s32, payload: option<data>, log-result: option<string>, executed-version: option<string> }',
      'lambda-error': 'variant { unauthorized(string), malformed(string), other(string) }',
    },
    functions: {
      '[constructor]client': 'func(credentials: borrow<credentials-provider>) -> client',
      '[method]client.invoke':
        'func(self: borrow<client>, request: invoke-request) -> result<invoke-output, lambda-error>',
    },
  },
  'momento:aws-s3/aws-s3@1.0.0': {
    types: {
      'credentials-provider': 'use credentials-provider',
      client: 'resource',
      data: 'use data',
      'put-object-request':
        'record { bucket: string, key: string, body: data, metadata: list<tuple<string, string>> }',
      'put-object-output':
        'record { expiration: option<string>, etag: option<string>, version-id: option<string> }',
      's3-error': 'variant { unauthorized(string), malformed(string), other(string) }',
      'get-object-request': 'record { bucket: string, key: string }',
      'get-object-output':
        'record { body: option<data>, etag: option<string>, version-id: option<string>, expiration: option<string>, metadata: list<tuple<string, string>> }',
    },
    functions: {
      '[constructor]client': 'func(credentials: borrow<credentials-provider>) -> client',
      '[method]client.put':
        'func(self: borrow<client>, request: put-object-request) -> result<put-object-output, s3-error>',
      '[method]client.get':
        'func(self: borrow<client>, request: get-object-request) -> result<get-object-output, s3-error>',
    },
  },
  'momento:aws-secrets/aws-secrets@1.0.0': {
    types: {
      'credentials-provider': 'use credentials-provider',
      client: 'resource',
      'get-secret-value-request':
        'record { secret-id: string, version-id: option<string>, version-stage: option<string>, allowed-staleness-seconds: u64 }',
      'secret-value': 'variant { secret-bytes(list<u8>), secret-string(string) }',
      'get-secret-value-response':
        'record { arn: string, created-date-epoch-seconds: u64, name: string, secret: secret-value, version-id: string, version-stages: list<string> }',
      'secrets-error': 'variant { not-found, unauthorized(string), malformed(string), other(string) }',
    },
    functions: {
      '[constructor]client': 'func(credentials: borrow<credentials-provider>) -> client',
      '[method]client.get-secret-value':
        'func(self: borrow<client>, request: get-secret-value-request) -> result<get-secret-value-response, secrets-error>',
    },
  },
  'momento:bytes/bytes@1.0.0': {
    types: {
      buffer: 'resource',
      data: 'variant { buffer(buffer), value(list<u8>) }',
    },
    functions: {
      '[method]buffer.remaining': 'func(self: borrow<buffer>) -> u32',
      '[method]buffer.read': 'func(self: borrow<buffer>, max-size: u32) -> option<list<u8>>',
      '[method]buffer.advance': 'func(self: borrow<buffer>, size: u32)',
    },
  },
  'momento:cache-list/cache-list@1.0.0': {
    types: {
      data: 'use data',
      error:
        'variant { internal-error, request-cancelled, invalid-argument(string), timeout, permission-denied(string), limit-exceeded(string), failed-precondition(string), not-found(string) }',
      'pop-found': 'record { value: data, list-length: u32 }',
      'pop-response': 'variant { found(pop-found), missing }',
      'list-range': 'record { begin-index: u32, count: u32 }',
      'list-ranges': 'record { ranges: list<list-range> }',
      'erase-range': 'variant { all, ranges(list-ranges) }',
      'erase-response': 'variant { found(u32), missing }',
      'remove-range': 'variant { all-elements-with-value(data) }',
      'remove-response': 'variant { found(u32), missing }',
      'start-index': 'variant { unbounded, inclusive(s32) }',
      'end-index': 'variant { unbounded, exclusive(s32) }',
      'fetch-response': 'variant { found(list<data>), missing }',
      'length-response': 'variant { found(u32), missing }',
      'retain-response': 'variant { found(u32), missing }',
    },
    functions: {
      'list-push-front':
        'func(list-name: data, value: data, ttl-milliseconds: u64, refresh-ttl: bool, truncate-back-to-size: u32) -> result<u32, error>',
      'list-push-back':
        'func(list-name: data, value: data, ttl-milliseconds: u64, refresh-ttl: bool, truncate-front-to-size: u32) -> result<u32, error>',
      'list-pop-front': 'func(list-name: data) -> result<pop-response, error>',
      'list-pop-back': 'func(list-name: data) -> result<pop-response, error>',
      'list-erase': 'func(list-name: data, range: erase-range) -> result<erase-response, error>',
      'list-remove': 'func(list-name: data, range: remove-range) -> result<remove-response, error>',
      'list-fetch':
        'func(list-name: data, start: start-index, end: end-index) -> result<fetch-response, error>',
      'list-length': 'func(list-name: data) -> result<length-response, error>',
      'list-concatenate-front':
        'func(list-name: data, values: list<data>, ttl-milliseconds: u64, refresh-ttl: bool, truncate-back-to-size: u32) -> result<u32, error>',
      'list-concatenate-back':
        'func(list-name: data, values: list<data>, ttl-milliseconds: u64, refresh-ttl: bool, truncate-front-to-size: u32) -> result<u32, error>',
      'list-retain':
        'func(list-name: data, start: start-index, end: end-index, ttl-milliseconds: u64, refresh-ttl: bool) -> result<retain-response, error>',
    },
  },
  'momento:cache-scalar/cache-scalar@1.0.0': {
    types: {
      data: 'use data',
      error:
        'variant { internal-error, request-cancelled, invalid-argument(string), timeout, permission-denied(string), limit-exceeded(string), failed-precondition(string), not-found(string) }',
      'get-with-hash-found': 'record { value: data, hash: data }',
      'get-with-hash-result': 'variant { found(get-with-hash-found), missing }',
      'set-if-condition':
        'variant { present, present-and-not-equal(data), absent, equal(data), absent-or-equal(data), not-equal(data) }',
      'set-if-result': 'variant { stored, not-stored }',
      'set-if-hash-condition':
        'variant { present-and-not-hash-equal(data), present-and-hash-equal(data), absent-or-hash-equal(data), absent-or-not-hash-equal(data), unconditional }',
      'set-if-hash-result': 'variant { stored(data), not-stored }',
    },
    functions: {
      get: 'func(key: data) -> result<option<data>, error>',
      'get-with-hash': 'func(key: data) -> result<get-with-hash-result, error>',
      set: 'func(key: data, value: data, ttl-milliseconds: u64) -> result<_, error>',
      'set-if':
        'func(key: data, value: data, ttl-milliseconds: u64, condition: set-if-condition) -> result<set-if-result, error>',
      'set-if-hash':
        'func(key: data, value: data, ttl-milliseconds: u64, condition: set-if-hash-condition) -> result<set-if-hash-result, error>',
      delete: 'func(key: data) -> result<_, error>',
    },
  },
  'momento:http/http@1.0.0': {
    types: {
      data: 'use data',
      'aws-sigv4-secret':
        'record { access-key-id: string, secret-access-key: string, region: string, service: string }',
      'iam-role': 'record { role-arn: string, service: string }',
      authorization: 'variant { none, aws-sigv4-secret(aws-sigv4-secret), federated(iam-role) }',
      request:
        'record { url: string, verb: string, headers: list<tuple<string, string>>, body: data, authorization: authorization }',
      response: 'record { status: u16, headers: list<tuple<string, string>>, body: data }',
      'invalid-url': 'record { url: string, error: string }',
      'invalid-header-name': 'record { header: string, error: string }',
      'invalid-header-value': 'record { value: string, error: string }',
      error:
        'variant { internal-error, request-error(string), invalid-url(invalid-url), invalid-header-name(invalid-header-name), invalid-header-value(invalid-header-value) }',
    },
    functions: {
      invoke: 'func(request: request) -> result<response, error>',
    },
  },
  'momento:log/logging@1.0.0': {
    types: {
      'log-level': 'enum { off, debug, info, warn, error }',
      'topic-destination': 'record { topic-name: string }',
      'cloudwatch-destination': 'record { iam-role-arn: string, log-group-name: string }',
      destination: 'variant { topic(topic-destination), cloudwatch(cloudwatch-destination) }',
      'configure-logging-input':
        'record { log-level: log-level, system-logs-level: log-level, destination: destination }',
      'log-configuration-error': 'variant { auth(string) }',
    },
    functions: {
      'configure-logging':
        'func(inputs: list<configure-logging-input>) -> result<_, log-configuration-error>',
      log: 'func(input: string, level: log-level)',
    },
  },
  'momento:spawn-function/guest-function-spawn@1.0.0': {
    types: {
      data: 'use data',
      'spawn-success': 'variant { ok, ok-note(string) }',
      'spawn-failure': 'variant { failed, failed-note(string), host-error(string) }',
    },
    functions: {
      spawned: 'func(payload: data) -> result<spawn-success, spawn-failure>',
    },
  },
  'momento:spawn/spawn@1.0.0': {
    types: {
      'spawn-error': 'variant { function-not-found, internal-error, limit(string) }',
    },
    functions: {
      'spawn-function': 'func(name: string, data: list<u8>) -> result<_, spawn-error>',
    },
  },
  'momento:token/token@1.0.0': {
    types: {
      expires: 'record { valid-for-seconds: u32 }',
      'generate-disposable-token-response': 'record { api-key: string, endpoint: string, valid-until: u64 }',
      'token-error':
        'variant { internal-error, invalid-argument(string), permission-denied(string), limit-exceeded(string) }',
    },
    functions: {
      'generate-disposable-token':
        'func(expires: expires, permissions: string, token-id: option<string>) -> result<generate-disposable-token-response, token-error>',
    },
  },
  'momento:topic/topic@1.0.0': {
    types: {
      error:
        'variant { internal-error, request-cancelled, invalid-argument(string), timeout, permission-denied(string), limit-exceeded(string), failed-precondition(string), not-found(string) }',
      data: 'use data',
    },
    functions: {
      publish: 'func(topic: string, value: string) -> result<_, error>',
      'publish-bytes': 'func(topic: string, value: data) -> result<_, error>',
    },
  },
  'momento:valkey/valkey@1.0.0': {
    types: {
      'response-stream': 'resource',
      data: 'use data',
      value:
        'variant { nil, int(s64), data(data), bulk(response-stream), ok, simple-string(string), simple-error(string) }',
      'cluster-client': 'resource',
      command: 'record { command: string, arguments: list<data> }',
      'valkey-error': 'variant { other(string) }',
    },
    functions: {
      '[method]response-stream.next': 'func(self: borrow<response-stream>) -> option<value>',
      '[method]cluster-client.command':
        'func(self: borrow<cluster-client>, command: command) -> result<value, valkey-error>',
      'get-managed-cluster-client': 'func(cluster-name: string) -> cluster-client',
    },
  },
  'momento:web-function/guest-function-web@1.0.0': {
    types: {
      data: 'use data',
      header: 'use header',
      response: 'record { status: u16, headers: list<header>, body: data }',
    },
    functions: {
      invoke: 'func(request: data) -> response',
    },
  },
  'momento:web-function/web-function-stream@1.0.0': {
    types: {
      data: 'use data',
      header: 'use header',
    },
    functions: {
      'send-sse':
        'func(event: option<string>, event-id: option<string>, data: option<data>) -> result<_, string>',
      'send-response-start': 'func(status: u16, headers: list<header>) -> result<_, string>',
      'send-data': 'func(data: data) -> result<_, string>',
    },
  },
  'momento:web-function/web-function-support@1.0.0': {
    types: {
      header: 'record { name: string, value: string }',
      'query-parameter': 'record { name: string, value: string }',
    },
    functions: {
      headers: 'func() -> list<header>',
      'query-parameters': 'func() -> list<query-parameter>',
      'token-metadata': 'func() -> option<string>',
      'invocation-id': 'func() -> string',
      'http-method': 'func() -> string',
      'invocation-path': 'func() -> option<string>',
    },
  },
};
