/**
 * The permissions builder of `momento-functions-token`, serialized byte for byte like serde:
 * `{"explicit":{"permissions":[...]}}`, fields in declaration order, unset fields omitted,
 * "all" flags as `null`, and `cacheName` (camelCase) in the cache selector only.
 */

/** Cache roles. */
export type CacheRole = 'CachePermitNone' | 'CacheReadWrite' | 'CacheReadOnly' | 'CacheWriteOnly';
/** Topic roles. */
export type TopicRole = 'TopicPermitNone' | 'TopicReadWrite' | 'TopicReadOnly' | 'TopicWriteOnly';
/** Function roles. */
export type FunctionRole = 'FunctionPermitNone' | 'FunctionInvoke';

/**
 * The fields of one permission as `[name, JSON value]` pairs, in the order the host's serde
 * structs write them. Built for you by the builder methods.
 *
 * @example
 * const fields: PermissionFields = [['role', '"CacheReadOnly"']];
 */
export type PermissionFields = ReadonlyArray<readonly [string, string]>;

function utf8(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? new TextEncoder().encode(value) : value;
}

function bytesJson(bytes: Uint8Array): string {
  return `[${Array.from(bytes).join(',')}]`;
}

/** Fields kept as [name, JSON] in serde order; `set` replaces a field in place or inserts it in order. */
abstract class Builder<Self> {
  protected abstract readonly order: readonly string[];
  /** @internal */
  protected readonly fields: PermissionFields;

  protected constructor(fields: PermissionFields) {
    this.fields = fields;
  }

  protected abstract make(fields: PermissionFields): Self;

  protected set(name: string, json: string): Self {
    const rest = this.fields.filter(([n]) => n !== name);
    const next = [...rest, [name, json] as const];
    next.sort((a, b) => this.order.indexOf(a[0]) - this.order.indexOf(b[0]));
    return this.make(next);
  }

  /** @internal */
  toJsonFields(): string {
    return `{${this.fields.map(([n, j]) => `${JSON.stringify(n)}:${j}`).join(',')}}`;
  }
}

const CACHE_ORDER = ['role', 'all_caches', 'cache_selector', 'all_items', 'item_selector'];
const TOPIC_ORDER = ['role', 'all_caches', 'cache_selector', 'all_topics', 'topic_selector'];
const FUNCTION_ORDER = ['role', 'all_caches', 'cache_selector', 'all_functions', 'function_selector'];

/**
 * Permissions on cache items. Builders set fields and never clear an "all" flag, like the crate.
 *
 * @example
 * ```ts
 * CachePermissions.readWrite().withCache('foo'); // {"role":"CacheReadWrite","all_caches":null,"cache_selector":{"cacheName":"foo"},"all_items":null}
 * ```
 */
export class CachePermissions extends Builder<CachePermissions> {
  protected readonly order = CACHE_ORDER;

  /**
   * Only the role `CachePermitNone` (the crate's `new()`).
   *
   * @example
   * ```ts
   * new CachePermissions().withRole('CacheReadOnly').withAllCaches().withKeyPrefix('user:');
   * ```
   */
  constructor(fields: PermissionFields = [['role', '"CachePermitNone"']]) {
    super(fields);
  }

  protected make(fields: PermissionFields): CachePermissions {
    return new CachePermissions(fields);
  }

  /**
   * Read and write every item of every cache.
   *
   * @example
   * ```ts
   * CachePermissions.readWrite();
   * ```
   */
  static readWrite(): CachePermissions {
    return new CachePermissions().withRole('CacheReadWrite').withAllCaches().withAllItems();
  }

  /**
   * Read every item of every cache.
   *
   * @example
   * ```ts
   * CachePermissions.readOnly();
   * ```
   */
  static readOnly(): CachePermissions {
    return new CachePermissions().withRole('CacheReadOnly').withAllCaches().withAllItems();
  }

  /**
   * Write every item of every cache.
   *
   * @example
   * ```ts
   * CachePermissions.writeOnly();
   * ```
   */
  static writeOnly(): CachePermissions {
    return new CachePermissions().withRole('CacheWriteOnly').withAllCaches().withAllItems();
  }

  /** Sets the role. @example `new CachePermissions().withRole('CacheReadOnly')` */
  withRole(role: CacheRole): CachePermissions {
    return this.set('role', JSON.stringify(role));
  }
  /** Every cache (`"all_caches":null`). @example `new CachePermissions().withAllCaches()` */
  withAllCaches(): CachePermissions {
    return this.set('all_caches', 'null');
  }
  /** One cache by name. @example `new CachePermissions().withCache('foo')` */
  withCache(name: string): CachePermissions {
    return this.set('cache_selector', `{"cacheName":${JSON.stringify(name)}}`);
  }
  /** Every item (`"all_items":null`). @example `new CachePermissions().withAllItems()` */
  withAllItems(): CachePermissions {
    return this.set('all_items', 'null');
  }
  /** One key (bytes, or a string as UTF-8). @example `new CachePermissions().withKey('user:1')` */
  withKey(key: string | Uint8Array): CachePermissions {
    return this.set('item_selector', `{"key":${bytesJson(utf8(key))}}`);
  }
  /** Keys with a prefix. @example `new CachePermissions().withKeyPrefix('user:')` */
  withKeyPrefix(prefix: string | Uint8Array): CachePermissions {
    return this.set('item_selector', `{"key_prefix":${bytesJson(utf8(prefix))}}`);
  }
}

/**
 * Permissions on topics.
 *
 * @example
 * ```ts
 * TopicPermissions.readOnly().withCache('foo').withTopicPrefix('notification-');
 * ```
 */
export class TopicPermissions extends Builder<TopicPermissions> {
  protected readonly order = TOPIC_ORDER;

  /**
   * Only the role `TopicPermitNone`.
   *
   * @example
   * ```ts
   * new TopicPermissions().withRole('TopicWriteOnly').withCache('c').withTopic('t');
   * ```
   */
  constructor(fields: PermissionFields = [['role', '"TopicPermitNone"']]) {
    super(fields);
  }

  protected make(fields: PermissionFields): TopicPermissions {
    return new TopicPermissions(fields);
  }

  /** Publish and subscribe to every topic of every cache. @example `TopicPermissions.readWrite()` */
  static readWrite(): TopicPermissions {
    return new TopicPermissions().withRole('TopicReadWrite').withAllCaches().withAllTopics();
  }
  /** Subscribe to every topic of every cache. @example `TopicPermissions.readOnly()` */
  static readOnly(): TopicPermissions {
    return new TopicPermissions().withRole('TopicReadOnly').withAllCaches().withAllTopics();
  }
  /** Publish to every topic of every cache. @example `TopicPermissions.writeOnly()` */
  static writeOnly(): TopicPermissions {
    return new TopicPermissions().withRole('TopicWriteOnly').withAllCaches().withAllTopics();
  }

  /** Sets the role. @example `new TopicPermissions().withRole('TopicReadOnly')` */
  withRole(role: TopicRole): TopicPermissions {
    return this.set('role', JSON.stringify(role));
  }
  /** Every cache. @example `new TopicPermissions().withAllCaches()` */
  withAllCaches(): TopicPermissions {
    return this.set('all_caches', 'null');
  }
  /** One cache. @example `new TopicPermissions().withCache('foo')` */
  withCache(name: string): TopicPermissions {
    return this.set('cache_selector', `{"cacheName":${JSON.stringify(name)}}`);
  }
  /** Every topic. @example `new TopicPermissions().withAllTopics()` */
  withAllTopics(): TopicPermissions {
    return this.set('all_topics', 'null');
  }
  /** One topic. @example `new TopicPermissions().withTopic('news')` */
  withTopic(name: string): TopicPermissions {
    return this.set('topic_selector', `{"topic_name":${JSON.stringify(name)}}`);
  }
  /** Topics with a prefix. @example `new TopicPermissions().withTopicPrefix('notification-')` */
  withTopicPrefix(prefix: string): TopicPermissions {
    return this.set('topic_selector', `{"topic_name_prefix":${JSON.stringify(prefix)}}`);
  }
}

/**
 * Permissions to invoke functions.
 *
 * @example
 * ```ts
 * FunctionPermissions.invoke().withFunctionPrefix('public-');
 * ```
 */
export class FunctionPermissions extends Builder<FunctionPermissions> {
  protected readonly order = FUNCTION_ORDER;

  /**
   * Only the role `FunctionPermitNone`.
   *
   * @example
   * ```ts
   * new FunctionPermissions().withRole('FunctionInvoke').withCache('c').withFunction('f');
   * ```
   */
  constructor(fields: PermissionFields = [['role', '"FunctionPermitNone"']]) {
    super(fields);
  }

  protected make(fields: PermissionFields): FunctionPermissions {
    return new FunctionPermissions(fields);
  }

  /** Invoke every function of every cache. @example `FunctionPermissions.invoke()` */
  static invoke(): FunctionPermissions {
    return new FunctionPermissions().withRole('FunctionInvoke').withAllCaches().withAllFunctions();
  }

  /** Sets the role. @example `new FunctionPermissions().withRole('FunctionInvoke')` */
  withRole(role: FunctionRole): FunctionPermissions {
    return this.set('role', JSON.stringify(role));
  }
  /** Every cache. @example `new FunctionPermissions().withAllCaches()` */
  withAllCaches(): FunctionPermissions {
    return this.set('all_caches', 'null');
  }
  /** One cache. @example `new FunctionPermissions().withCache('foo')` */
  withCache(name: string): FunctionPermissions {
    return this.set('cache_selector', `{"cacheName":${JSON.stringify(name)}}`);
  }
  /** Every function. @example `new FunctionPermissions().withAllFunctions()` */
  withAllFunctions(): FunctionPermissions {
    return this.set('all_functions', 'null');
  }
  /** One function. @example `new FunctionPermissions().withFunction('ping')` */
  withFunction(name: string): FunctionPermissions {
    return this.set('function_selector', `{"function_name":${JSON.stringify(name)}}`);
  }
  /** Functions with a prefix. @example `new FunctionPermissions().withFunctionPrefix('public-')` */
  withFunctionPrefix(prefix: string): FunctionPermissions {
    return this.set('function_selector', `{"function_name_prefix":${JSON.stringify(prefix)}}`);
  }
}

/**
 * The permissions of a disposable token: entries in the order they were added.
 *
 * @example
 * ```ts
 * const permissions = new Permissions()
 *   .withCache(CachePermissions.readWrite().withCache('foo'))
 *   .withTopic(TopicPermissions.readOnly().withCache('foo').withTopicPrefix('notification-'));
 * permissions.toJson(); // {"explicit":{"permissions":[{"cache_permissions":{...}},{"topic_permissions":{...}}]}}
 * ```
 */
export class Permissions {
  readonly #entries: readonly string[];

  /**
   * No permissions yet.
   *
   * @example
   * ```ts
   * new Permissions().withFunction(FunctionPermissions.invoke());
   * ```
   */
  constructor(entries: readonly string[] = []) {
    this.#entries = entries;
  }

  /** Adds cache permissions. @example `new Permissions().withCache(CachePermissions.readOnly())` */
  withCache(permissions: CachePermissions): Permissions {
    return new Permissions([...this.#entries, `{"cache_permissions":${permissions.toJsonFields()}}`]);
  }
  /** Adds topic permissions. @example `new Permissions().withTopic(TopicPermissions.readOnly())` */
  withTopic(permissions: TopicPermissions): Permissions {
    return new Permissions([...this.#entries, `{"topic_permissions":${permissions.toJsonFields()}}`]);
  }
  /** Adds function permissions. @example `new Permissions().withFunction(FunctionPermissions.invoke())` */
  withFunction(permissions: FunctionPermissions): Permissions {
    return new Permissions([...this.#entries, `{"function_permissions":${permissions.toJsonFields()}}`]);
  }

  /**
   * The exact JSON the host receives.
   *
   * @example
   * ```ts
   * new Permissions().toJson(); // '{"explicit":{"permissions":[]}}'
   * ```
   */
  toJson(): string {
    return `{"explicit":{"permissions":[${this.#entries.join(',')}]}}`;
  }
}
