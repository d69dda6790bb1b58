/**
 * The permissions builder of `momento-functions-token`, serialized byte for byte like serde:
 * `{"explicit":{"permissions":[...]}}`, fields in declaration order, unset fields omitted,
 * "all" flags as `null`, and `cacheName` (camelCase) in the cache selector only.
 */

/**
 * What a cache permission allows on the items it covers: nothing, read and write, read only, or
 * write only (the crate's `CacheRole`, written as the string itself).
 */
export type CacheRole = 'CachePermitNone' | 'CacheReadWrite' | 'CacheReadOnly' | 'CacheWriteOnly';
/**
 * What a topic permission allows on the topics it covers: nothing, publish and subscribe,
 * subscribe only (`TopicReadOnly`), or publish only (`TopicWriteOnly`); the crate's `TopicRole`.
 */
export type TopicRole = 'TopicPermitNone' | 'TopicReadWrite' | 'TopicReadOnly' | 'TopicWriteOnly';
/**
 * What a function permission allows on the functions it covers: nothing, or invoking them (the
 * crate's `FunctionRole`).
 */
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

/**
 * Which caches a permission covers: one cache by name (the crate's `CacheSelector::CacheName`,
 * written `{"cacheName":"<name>"}`, the only camelCase key of the permissions JSON).
 *
 * @example
 * ```ts
 * const selector: CacheSelector = { cacheName: 'foo' };
 * CachePermissions.readOnly().withCacheSelector(selector).cacheSelector; // { cacheName: 'foo' }
 * ```
 */
export type CacheSelector = {
  /** The name of the one cache covered, written as `"cacheName"`. */
  readonly cacheName: string;
};

/**
 * Which items of the cache(s) a cache permission covers: one key, or every key with a prefix
 * (the crate's `CacheItemSelector::Key` / `KeyPrefix`, written `{"key":[bytes]}` /
 * `{"key_prefix":[bytes]}`, each byte a JSON number).
 *
 * @example
 * ```ts
 * const one: CacheItemSelector = { key: new TextEncoder().encode('user:1') };
 * const many: CacheItemSelector = { keyPrefix: new TextEncoder().encode('user:') };
 * new CachePermissions().withItemSelector(many).itemSelector; // { keyPrefix: Uint8Array [117, 115, 101, 114, 58] }
 * ```
 */
export type CacheItemSelector =
  | {
      /** The one key covered, as bytes (written `"key"`, a string key as its UTF-8 bytes). */
      readonly key: Uint8Array;
    }
  | {
      /** The key prefix: every key starting with these bytes is covered (written `"key_prefix"`). */
      readonly keyPrefix: Uint8Array;
    };

/**
 * Which topics a topic permission covers: one topic, or every topic with a name prefix (the
 * crate's `TopicSelector::TopicName` / `TopicNamePrefix`, written `{"topic_name":"…"}` /
 * `{"topic_name_prefix":"…"}`).
 *
 * @example
 * ```ts
 * const selector: TopicSelector = { topicNamePrefix: 'notification-' };
 * TopicPermissions.readOnly().withTopicSelector(selector);
 * ```
 */
export type TopicSelector =
  | {
      /** The name of the one topic covered (written `"topic_name"`). */
      readonly topicName: string;
    }
  | {
      /** The name prefix: every topic whose name starts with it is covered (written `"topic_name_prefix"`). */
      readonly topicNamePrefix: string;
    };

/**
 * Which functions a function permission covers: one function, or every function with a name
 * prefix (the crate's `FunctionSelector::FunctionName` / `FunctionNamePrefix`, written
 * `{"function_name":"…"}` / `{"function_name_prefix":"…"}`).
 *
 * @example
 * ```ts
 * const selector: FunctionSelector = { functionName: 'ping' };
 * FunctionPermissions.invoke().withFunctionSelector(selector);
 * ```
 */
export type FunctionSelector =
  | {
      /** The name of the one function covered (written `"function_name"`). */
      readonly functionName: string;
    }
  | {
      /** The name prefix: every function whose name starts with it is covered (written `"function_name_prefix"`). */
      readonly functionNamePrefix: string;
    };

/**
 * One entry of a token's permissions: cache, topic or function permissions (the crate's
 * `PermissionsType`, written `{"cache_permissions":{…}}`, `{"topic_permissions":{…}}` or
 * `{"function_permissions":{…}}`).
 *
 * @example
 * ```ts
 * const entry: PermissionsType = { topicPermissions: TopicPermissions.readOnly().withCache('foo') };
 * new Permissions({ permissions: [entry] }).toJson();
 * ```
 */
export type PermissionsType =
  | {
      /** Permissions on cache items (written `"cache_permissions"`). */
      readonly cachePermissions: CachePermissions;
    }
  | {
      /** Permissions on topics (written `"topic_permissions"`). */
      readonly topicPermissions: TopicPermissions;
    }
  | {
      /** Permissions to invoke functions (written `"function_permissions"`). */
      readonly functionPermissions: FunctionPermissions;
    };

/**
 * The list of permission entries, in order: what the JSON holds under `"explicit"` (the crate's
 * `ExplicitPermissions`, a wrapper that exists for the host's JSON interpolation).
 *
 * @example
 * ```ts
 * const explicit: ExplicitPermissions = {
 *   permissions: [{ cachePermissions: CachePermissions.readWrite().withCache('foo') }],
 * };
 * new Permissions(explicit).explicit.permissions.length; // 1
 * ```
 */
export interface ExplicitPermissions {
  /** The entries, in the order they are written. */
  readonly permissions: readonly PermissionsType[];
}

function invalid(what: string, value: unknown): TypeError {
  let shown: string;
  try {
    shown = JSON.stringify(value) ?? String(value);
  } catch {
    shown = String(value);
  }
  return new TypeError(`${what}, got ${shown}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function nameField(value: unknown, key: string): string | undefined {
  return isRecord(value) && typeof value[key] === 'string' ? (value[key] as string) : undefined;
}

function cacheSelectorJson(selector: CacheSelector): string {
  const name = nameField(selector, 'cacheName');
  if (name === undefined) throw invalid('a CacheSelector is { cacheName: string }', selector);
  return `{"cacheName":${JSON.stringify(name)}}`;
}

function itemSelectorJson(selector: CacheItemSelector): string {
  const record: Record<string, unknown> = isRecord(selector) ? selector : {};
  if (record.key instanceof Uint8Array) return `{"key":${bytesJson(record.key)}}`;
  if (record.keyPrefix instanceof Uint8Array) return `{"key_prefix":${bytesJson(record.keyPrefix)}}`;
  throw invalid('a CacheItemSelector is { key: Uint8Array } or { keyPrefix: Uint8Array }', selector);
}

function topicSelectorJson(selector: TopicSelector): string {
  const name = nameField(selector, 'topicName');
  if (name !== undefined) return `{"topic_name":${JSON.stringify(name)}}`;
  const prefix = nameField(selector, 'topicNamePrefix');
  if (prefix !== undefined) return `{"topic_name_prefix":${JSON.stringify(prefix)}}`;
  throw invalid('a TopicSelector is { topicName: string } or { topicNamePrefix: string }', selector);
}

function functionSelectorJson(selector: FunctionSelector): string {
  const name = nameField(selector, 'functionName');
  if (name !== undefined) return `{"function_name":${JSON.stringify(name)}}`;
  const prefix = nameField(selector, 'functionNamePrefix');
  if (prefix !== undefined) return `{"function_name_prefix":${JSON.stringify(prefix)}}`;
  throw invalid('a FunctionSelector is { functionName: string } or { functionNamePrefix: string }', selector);
}

/** Fields kept as [name, JSON] in serde order; `set` replaces a field in place or inserts it in order. */
abstract class Builder<Self> {
  /** The JSON field names in the order the host's serde struct writes them; `set` keeps the fields sorted by it. */
  protected abstract readonly order: readonly string[];
  /** @internal */
  protected readonly fields: PermissionFields;

  protected constructor(fields: PermissionFields) {
    this.fields = fields;
  }

  /** Makes a new permission of the same class holding `fields` (builders never modify `this`). */
  protected abstract make(fields: PermissionFields): Self;

  /** Returns a copy with field `name` set to the JSON text `json`, replacing it if set, in serde order. */
  protected set(name: string, json: string): Self {
    const rest = this.fields.filter(([n]) => n !== name);
    const next = [...rest, [name, json] as const];
    next.sort((a, b) => this.order.indexOf(a[0]) - this.order.indexOf(b[0]));
    return this.make(next);
  }

  /** The parsed JSON value of a field, `undefined` when the field is not set. */
  protected get(name: string): unknown {
    const found = this.fields.find(([n]) => n === name);
    return found === undefined ? undefined : JSON.parse(found[1]);
  }

  /** Whether field `name` is set (an "all" flag is set when present, whatever its value). */
  protected has(name: string): boolean {
    return this.fields.some(([n]) => n === name);
  }

  /**
   * Whether the permission covers every cache (`"all_caches":null` is written).
   *
   * @example
   * ```ts
   * CachePermissions.readOnly().allCaches; // true
   * ```
   */
  get allCaches(): boolean {
    return this.has('all_caches');
  }

  /**
   * The cache the permission names, if any. Set alongside {@link allCaches} when a preset is
   * narrowed with `withCache`, as in the crate (both are written; the builders never clear an
   * "all" flag).
   *
   * @example
   * ```ts
   * CachePermissions.readOnly().withCache('foo').cacheSelector; // { cacheName: 'foo' }
   * ```
   */
  get cacheSelector(): CacheSelector | undefined {
    const json = this.get('cache_selector') as { cacheName: string } | undefined;
    return json === undefined ? undefined : { cacheName: json.cacheName };
  }

  /**
   * Sets the cache selector (what `withCache(name)` does, from a {@link CacheSelector}).
   *
   * @example
   * ```ts
   * new TopicPermissions().withCacheSelector({ cacheName: 'foo' });
   * ```
   */
  withCacheSelector(selector: CacheSelector): Self {
    return this.set('cache_selector', cacheSelectorJson(selector));
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
  /** The cache permission's fields in serde order: role, all_caches, cache_selector, all_items, item_selector. */
  protected readonly order = CACHE_ORDER;

  /**
   * Makes a cache permission that grants nothing yet: only the role `CachePermitNone` (the
   * crate's `new()`). Add a role, caches and items with the builder methods.
   *
   * @example
   * ```ts
   * new CachePermissions().withRole('CacheReadOnly').withAllCaches().withKeyPrefix('user:');
   * ```
   */
  constructor(fields: PermissionFields = [['role', '"CachePermitNone"']]) {
    super(fields);
  }

  /** Makes a new CachePermissions holding `fields`. */
  protected make(fields: PermissionFields): CachePermissions {
    return new CachePermissions(fields);
  }

  /**
   * A permission to read and write every item of every cache (role `CacheReadWrite`, all caches,
   * all items); narrow it with `withCache` or `withKeyPrefix`.
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
   * A permission to read every item of every cache (role `CacheReadOnly`, all caches, all items).
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
   * A permission to write every item of every cache (role `CacheWriteOnly`, all caches, all items).
   *
   * @example
   * ```ts
   * CachePermissions.writeOnly();
   * ```
   */
  static writeOnly(): CachePermissions {
    return new CachePermissions().withRole('CacheWriteOnly').withAllCaches().withAllItems();
  }

  /** Returns a copy with this role, replacing the previous one. @example `new CachePermissions().withRole('CacheReadOnly')` */
  withRole(role: CacheRole): CachePermissions {
    return this.set('role', JSON.stringify(role));
  }
  /** Returns a copy that covers every cache (writes `"all_caches":null`). @example `new CachePermissions().withAllCaches()` */
  withAllCaches(): CachePermissions {
    return this.set('all_caches', 'null');
  }
  /** Returns a copy that names the cache `name` (writes its `cache_selector`). @example `new CachePermissions().withCache('foo')` */
  withCache(name: string): CachePermissions {
    return this.set('cache_selector', `{"cacheName":${JSON.stringify(name)}}`);
  }
  /** Returns a copy that covers every item of the caches (writes `"all_items":null`). @example `new CachePermissions().withAllItems()` */
  withAllItems(): CachePermissions {
    return this.set('all_items', 'null');
  }
  /** Returns a copy that covers the one key `key` (bytes, or a string as UTF-8), replacing any item selector. @example `new CachePermissions().withKey('user:1')` */
  withKey(key: string | Uint8Array): CachePermissions {
    return this.set('item_selector', `{"key":${bytesJson(utf8(key))}}`);
  }
  /** Returns a copy that covers every key starting with `prefix` (bytes, or a string as UTF-8), replacing any item selector. @example `new CachePermissions().withKeyPrefix('user:')` */
  withKeyPrefix(prefix: string | Uint8Array): CachePermissions {
    return this.set('item_selector', `{"key_prefix":${bytesJson(utf8(prefix))}}`);
  }

  /**
   * Sets the item selector (what `withKey` / `withKeyPrefix` do, from a {@link CacheItemSelector}).
   *
   * @example
   * ```ts
   * new CachePermissions().withItemSelector({ keyPrefix: new TextEncoder().encode('user:') });
   * ```
   */
  withItemSelector(selector: CacheItemSelector): CachePermissions {
    return this.set('item_selector', itemSelectorJson(selector));
  }

  /**
   * The role (`CachePermitNone` unless set).
   *
   * @example
   * ```ts
   * CachePermissions.readOnly().role; // 'CacheReadOnly'
   * ```
   */
  get role(): CacheRole {
    return this.get('role') as CacheRole;
  }

  /**
   * Whether the permission covers every item (`"all_items":null` is written).
   *
   * @example
   * ```ts
   * CachePermissions.readWrite().allItems; // true
   * ```
   */
  get allItems(): boolean {
    return this.has('all_items');
  }

  /**
   * The key or key prefix the permission names, if any (a fresh copy of the bytes).
   *
   * @example
   * ```ts
   * new CachePermissions().withKey('k').itemSelector; // { key: Uint8Array [107] }
   * ```
   */
  get itemSelector(): CacheItemSelector | undefined {
    const json = this.get('item_selector') as { key?: number[]; key_prefix?: number[] } | undefined;
    if (json === undefined) return undefined;
    return json.key !== undefined
      ? { key: Uint8Array.from(json.key) }
      : { keyPrefix: Uint8Array.from(json.key_prefix ?? []) };
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
  /** The topic permission's fields in serde order: role, all_caches, cache_selector, all_topics, topic_selector. */
  protected readonly order = TOPIC_ORDER;

  /**
   * Makes a topic permission that grants nothing yet: only the role `TopicPermitNone` (the
   * crate's `new()`). Add a role, caches and topics with the builder methods.
   *
   * @example
   * ```ts
   * new TopicPermissions().withRole('TopicWriteOnly').withCache('c').withTopic('t');
   * ```
   */
  constructor(fields: PermissionFields = [['role', '"TopicPermitNone"']]) {
    super(fields);
  }

  /** Makes a new TopicPermissions holding `fields`. */
  protected make(fields: PermissionFields): TopicPermissions {
    return new TopicPermissions(fields);
  }

  /** A permission to publish and subscribe to every topic of every cache (role `TopicReadWrite`). @example `TopicPermissions.readWrite()` */
  static readWrite(): TopicPermissions {
    return new TopicPermissions().withRole('TopicReadWrite').withAllCaches().withAllTopics();
  }
  /** A permission to subscribe to every topic of every cache (role `TopicReadOnly`). @example `TopicPermissions.readOnly()` */
  static readOnly(): TopicPermissions {
    return new TopicPermissions().withRole('TopicReadOnly').withAllCaches().withAllTopics();
  }
  /** A permission to publish to every topic of every cache (role `TopicWriteOnly`). @example `TopicPermissions.writeOnly()` */
  static writeOnly(): TopicPermissions {
    return new TopicPermissions().withRole('TopicWriteOnly').withAllCaches().withAllTopics();
  }

  /** Returns a copy with this role, replacing the previous one. @example `new TopicPermissions().withRole('TopicReadOnly')` */
  withRole(role: TopicRole): TopicPermissions {
    return this.set('role', JSON.stringify(role));
  }
  /** Returns a copy that covers the topics of every cache (writes `"all_caches":null`). @example `new TopicPermissions().withAllCaches()` */
  withAllCaches(): TopicPermissions {
    return this.set('all_caches', 'null');
  }
  /** Returns a copy that names the cache `name` whose topics are covered (writes its `cache_selector`). @example `new TopicPermissions().withCache('foo')` */
  withCache(name: string): TopicPermissions {
    return this.set('cache_selector', `{"cacheName":${JSON.stringify(name)}}`);
  }
  /** Returns a copy that covers every topic of the caches (writes `"all_topics":null`). @example `new TopicPermissions().withAllTopics()` */
  withAllTopics(): TopicPermissions {
    return this.set('all_topics', 'null');
  }
  /** Returns a copy that covers the one topic `name`, replacing any topic selector. @example `new TopicPermissions().withTopic('news')` */
  withTopic(name: string): TopicPermissions {
    return this.set('topic_selector', `{"topic_name":${JSON.stringify(name)}}`);
  }
  /** Returns a copy that covers every topic whose name starts with `prefix`, replacing any topic selector. @example `new TopicPermissions().withTopicPrefix('notification-')` */
  withTopicPrefix(prefix: string): TopicPermissions {
    return this.set('topic_selector', `{"topic_name_prefix":${JSON.stringify(prefix)}}`);
  }

  /**
   * Sets the topic selector (what `withTopic` / `withTopicPrefix` do, from a {@link TopicSelector}).
   *
   * @example
   * ```ts
   * new TopicPermissions().withTopicSelector({ topicName: 'news' });
   * ```
   */
  withTopicSelector(selector: TopicSelector): TopicPermissions {
    return this.set('topic_selector', topicSelectorJson(selector));
  }

  /**
   * The role (`TopicPermitNone` unless set).
   *
   * @example
   * ```ts
   * TopicPermissions.writeOnly().role; // 'TopicWriteOnly'
   * ```
   */
  get role(): TopicRole {
    return this.get('role') as TopicRole;
  }

  /**
   * Whether the permission covers every topic (`"all_topics":null` is written).
   *
   * @example
   * ```ts
   * TopicPermissions.readOnly().allTopics; // true
   * ```
   */
  get allTopics(): boolean {
    return this.has('all_topics');
  }

  /**
   * The topic or topic-name prefix the permission names, if any.
   *
   * @example
   * ```ts
   * new TopicPermissions().withTopicPrefix('n-').topicSelector; // { topicNamePrefix: 'n-' }
   * ```
   */
  get topicSelector(): TopicSelector | undefined {
    const json = this.get('topic_selector') as
      | { topic_name?: string; topic_name_prefix?: string }
      | undefined;
    if (json === undefined) return undefined;
    return json.topic_name !== undefined
      ? { topicName: json.topic_name }
      : { topicNamePrefix: json.topic_name_prefix ?? '' };
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
  /** The function permission's fields in serde order: role, all_caches, cache_selector, all_functions, function_selector. */
  protected readonly order = FUNCTION_ORDER;

  /**
   * Makes a function permission that grants nothing yet: only the role `FunctionPermitNone` (the
   * crate's `new()`). Add a role, caches and functions with the builder methods.
   *
   * @example
   * ```ts
   * new FunctionPermissions().withRole('FunctionInvoke').withCache('c').withFunction('f');
   * ```
   */
  constructor(fields: PermissionFields = [['role', '"FunctionPermitNone"']]) {
    super(fields);
  }

  /** Makes a new FunctionPermissions holding `fields`. */
  protected make(fields: PermissionFields): FunctionPermissions {
    return new FunctionPermissions(fields);
  }

  /** A permission to invoke every function of every cache (role `FunctionInvoke`). @example `FunctionPermissions.invoke()` */
  static invoke(): FunctionPermissions {
    return new FunctionPermissions().withRole('FunctionInvoke').withAllCaches().withAllFunctions();
  }

  /** Returns a copy with this role, replacing the previous one. @example `new FunctionPermissions().withRole('FunctionInvoke')` */
  withRole(role: FunctionRole): FunctionPermissions {
    return this.set('role', JSON.stringify(role));
  }
  /** Returns a copy that covers the functions of every cache (writes `"all_caches":null`). @example `new FunctionPermissions().withAllCaches()` */
  withAllCaches(): FunctionPermissions {
    return this.set('all_caches', 'null');
  }
  /** Returns a copy that names the cache `name` whose functions are covered (writes its `cache_selector`). @example `new FunctionPermissions().withCache('foo')` */
  withCache(name: string): FunctionPermissions {
    return this.set('cache_selector', `{"cacheName":${JSON.stringify(name)}}`);
  }
  /** Returns a copy that covers every function of the caches (writes `"all_functions":null`). @example `new FunctionPermissions().withAllFunctions()` */
  withAllFunctions(): FunctionPermissions {
    return this.set('all_functions', 'null');
  }
  /** Returns a copy that covers the one function `name`, replacing any function selector. @example `new FunctionPermissions().withFunction('ping')` */
  withFunction(name: string): FunctionPermissions {
    return this.set('function_selector', `{"function_name":${JSON.stringify(name)}}`);
  }
  /** Returns a copy that covers every function whose name starts with `prefix`, replacing any function selector. @example `new FunctionPermissions().withFunctionPrefix('public-')` */
  withFunctionPrefix(prefix: string): FunctionPermissions {
    return this.set('function_selector', `{"function_name_prefix":${JSON.stringify(prefix)}}`);
  }

  /**
   * Sets the function selector (what `withFunction` / `withFunctionPrefix` do, from a
   * {@link FunctionSelector}).
   *
   * @example
   * ```ts
   * new FunctionPermissions().withRole('FunctionInvoke').withFunctionSelector({ functionNamePrefix: 'public-' });
   * ```
   */
  withFunctionSelector(selector: FunctionSelector): FunctionPermissions {
    return this.set('function_selector', functionSelectorJson(selector));
  }

  /**
   * The role (`FunctionPermitNone` unless set).
   *
   * @example
   * ```ts
   * FunctionPermissions.invoke().role; // 'FunctionInvoke'
   * ```
   */
  get role(): FunctionRole {
    return this.get('role') as FunctionRole;
  }

  /**
   * Whether the permission covers every function (`"all_functions":null` is written).
   *
   * @example
   * ```ts
   * FunctionPermissions.invoke().allFunctions; // true
   * ```
   */
  get allFunctions(): boolean {
    return this.has('all_functions');
  }

  /**
   * The function or function-name prefix the permission names, if any.
   *
   * @example
   * ```ts
   * new FunctionPermissions().withFunction('ping').functionSelector; // { functionName: 'ping' }
   * ```
   */
  get functionSelector(): FunctionSelector | undefined {
    const json = this.get('function_selector') as
      | { function_name?: string; function_name_prefix?: string }
      | undefined;
    if (json === undefined) return undefined;
    return json.function_name !== undefined
      ? { functionName: json.function_name }
      : { functionNamePrefix: json.function_name_prefix ?? '' };
  }
}

/** The JSON entry of one {@link PermissionsType}. */
function entryJson(entry: PermissionsType): string {
  const record: Record<string, unknown> = isRecord(entry) ? entry : {};
  if (record.cachePermissions instanceof CachePermissions) {
    return `{"cache_permissions":${record.cachePermissions.toJsonFields()}}`;
  }
  if (record.topicPermissions instanceof TopicPermissions) {
    return `{"topic_permissions":${record.topicPermissions.toJsonFields()}}`;
  }
  if (record.functionPermissions instanceof FunctionPermissions) {
    return `{"function_permissions":${record.functionPermissions.toJsonFields()}}`;
  }
  throw invalid(
    'a permissions entry is { cachePermissions: CachePermissions }, { topicPermissions: TopicPermissions } or { functionPermissions: FunctionPermissions }',
    entry,
  );
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
  readonly #entries: readonly PermissionsType[];
  readonly #json: readonly string[];

  /**
   * Makes permissions with no entries yet, or with the entries of an {@link ExplicitPermissions},
   * in their order.
   *
   * @param explicit - the entries to start from (checked: each must hold one permissions object).
   * @example
   * ```ts
   * new Permissions().withFunction(FunctionPermissions.invoke());
   * new Permissions({ permissions: [{ cachePermissions: CachePermissions.readOnly() }] });
   * ```
   */
  constructor(explicit: ExplicitPermissions = { permissions: [] }) {
    if (!isRecord(explicit) || !Array.isArray(explicit.permissions)) {
      throw invalid('new Permissions() takes { permissions: [...] }', explicit);
    }
    this.#json = explicit.permissions.map(entryJson);
    this.#entries = Object.freeze(
      explicit.permissions.map((entry) => Object.freeze({ ...entry }) as PermissionsType),
    );
  }

  /** Returns a copy with `permissions` appended as a cache entry (the original is unchanged). @example `new Permissions().withCache(CachePermissions.readOnly())` */
  withCache(permissions: CachePermissions): Permissions {
    return new Permissions({ permissions: [...this.#entries, { cachePermissions: permissions }] });
  }
  /** Returns a copy with `permissions` appended as a topic entry (the original is unchanged). @example `new Permissions().withTopic(TopicPermissions.readOnly())` */
  withTopic(permissions: TopicPermissions): Permissions {
    return new Permissions({ permissions: [...this.#entries, { topicPermissions: permissions }] });
  }
  /** Returns a copy with `permissions` appended as a function entry (the original is unchanged). @example `new Permissions().withFunction(FunctionPermissions.invoke())` */
  withFunction(permissions: FunctionPermissions): Permissions {
    return new Permissions({ permissions: [...this.#entries, { functionPermissions: permissions }] });
  }

  /**
   * The entries, in order (what the JSON holds under `"explicit"`).
   *
   * @example
   * ```ts
   * const [first] = new Permissions().withCache(CachePermissions.readOnly()).explicit.permissions;
   * if (first && 'cachePermissions' in first) first.cachePermissions.role; // 'CacheReadOnly'
   * ```
   */
  get explicit(): ExplicitPermissions {
    return { permissions: this.#entries };
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
    return `{"explicit":{"permissions":[${this.#json.join(',')}]}}`;
  }

  /**
   * Reads permissions JSON in the shape {@link Permissions.toJson} writes (the crate's
   * `Deserialize`), so `Permissions.fromJson(p.toJson()).toJson() === p.toJson()`. An "all" flag
   * counts as set when its key is present (with `null`, as the crate writes it), which is how the
   * host reads it. Unknown keys are ignored, as serde does.
   *
   * @param json - the permissions JSON.
   * @throws TypeError naming what is wrong (`missing field \`role\``, `unknown variant \`Admin\`, …`).
   * @example
   * ```ts
   * Permissions.fromJson('{"explicit":{"permissions":[{"function_permissions":{"role":"FunctionInvoke","all_caches":null,"all_functions":null}}]}}');
   * ```
   */
  static fromJson(json: string): Permissions {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new TypeError(`permissions are not valid JSON: ${(e as Error).message}`);
    }
    return new Permissions({ permissions: parseExplicit(value) });
  }
}

type Reader = { readonly path: string; readonly value: Record<string, unknown> };

function objectAt(value: unknown, path: string, expected: string): Reader {
  if (!isRecord(value)) throw invalid(`${path}: invalid type, expected ${expected}`, value);
  return { path, value };
}

function required(reader: Reader, key: string): unknown {
  if (!Object.hasOwn(reader.value, key)) throw new TypeError(`${reader.path}: missing field \`${key}\``);
  return reader.value[key];
}

/** The one `{ "variant": payload }` of an externally tagged serde enum. */
function variant(value: unknown, path: string, names: readonly string[]): [string, unknown] {
  const reader = objectAt(value, path, `one of ${names.map((n) => `\`${n}\``).join(', ')}`);
  const keys = Object.keys(reader.value);
  const [key] = keys;
  if (keys.length !== 1 || key === undefined) {
    throw invalid(`${path}: expected an object with exactly one key (${names.join(' | ')})`, value);
  }
  if (!names.includes(key)) {
    throw new TypeError(
      `${path}: unknown variant \`${key}\`, expected one of ${names.map((n) => `\`${n}\``).join(', ')}`,
    );
  }
  return [key, reader.value[key]];
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string') throw invalid(`${path}: invalid type, expected a string`, value);
  return value;
}

function byteList(value: unknown, path: string): Uint8Array {
  if (!Array.isArray(value) || !value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    throw invalid(`${path}: invalid type, expected an array of bytes (integers 0-255)`, value);
  }
  return Uint8Array.from(value as number[]);
}

function role<R extends string>(reader: Reader, roles: readonly R[]): R {
  const value = required(reader, 'role');
  if (typeof value !== 'string' || !(roles as readonly string[]).includes(value)) {
    throw new TypeError(
      `${reader.path}.role: unknown variant \`${String(value)}\`, expected one of ${roles.map((r) => `\`${r}\``).join(', ')}`,
    );
  }
  return value as R;
}

/** Present and not `undefined`: the key is written (as `null` by the crate). */
function present(reader: Reader, key: string): boolean {
  return Object.hasOwn(reader.value, key) && reader.value[key] !== undefined;
}

function optional(reader: Reader, key: string): unknown {
  const value = reader.value[key];
  return value === null ? undefined : value;
}

function scope<T extends CachePermissions | TopicPermissions | FunctionPermissions>(
  permission: T,
  reader: Reader,
): T {
  let out = permission;
  if (present(reader, 'all_caches')) out = out.withAllCaches() as T;
  const cache = optional(reader, 'cache_selector');
  if (cache !== undefined) {
    const [, name] = variant(cache, `${reader.path}.cache_selector`, ['cacheName']);
    out = out.withCacheSelector({ cacheName: text(name, `${reader.path}.cache_selector.cacheName`) }) as T;
  }
  return out;
}

const CACHE_ROLES: readonly CacheRole[] = [
  'CachePermitNone',
  'CacheReadWrite',
  'CacheReadOnly',
  'CacheWriteOnly',
];
const TOPIC_ROLES: readonly TopicRole[] = [
  'TopicPermitNone',
  'TopicReadWrite',
  'TopicReadOnly',
  'TopicWriteOnly',
];
const FUNCTION_ROLES: readonly FunctionRole[] = ['FunctionPermitNone', 'FunctionInvoke'];

function parseExplicit(value: unknown): PermissionsType[] {
  const top = objectAt(value, '<root>', 'an object');
  const explicit = objectAt(required(top, 'explicit'), 'explicit', 'an object');
  const list = required(explicit, 'permissions');
  if (!Array.isArray(list)) throw invalid('explicit.permissions: invalid type, expected an array', list);
  return list.map((item, i): PermissionsType => {
    const path = `explicit.permissions[${i}]`;
    const [kind, body] = variant(item, path, [
      'cache_permissions',
      'topic_permissions',
      'function_permissions',
    ]);
    const reader = objectAt(body, `${path}.${kind}`, 'an object');
    if (kind === 'cache_permissions') {
      let p = scope(new CachePermissions().withRole(role(reader, CACHE_ROLES)), reader);
      if (present(reader, 'all_items')) p = p.withAllItems();
      const items = optional(reader, 'item_selector');
      if (items !== undefined) {
        const [which, bytes] = variant(items, `${reader.path}.item_selector`, ['key', 'key_prefix']);
        const key = byteList(bytes, `${reader.path}.item_selector.${which}`);
        p = p.withItemSelector(which === 'key' ? { key } : { keyPrefix: key });
      }
      return { cachePermissions: p };
    }
    if (kind === 'topic_permissions') {
      let p = scope(new TopicPermissions().withRole(role(reader, TOPIC_ROLES)), reader);
      if (present(reader, 'all_topics')) p = p.withAllTopics();
      const topics = optional(reader, 'topic_selector');
      if (topics !== undefined) {
        const [which, name] = variant(topics, `${reader.path}.topic_selector`, [
          'topic_name',
          'topic_name_prefix',
        ]);
        const n = text(name, `${reader.path}.topic_selector.${which}`);
        p = p.withTopicSelector(which === 'topic_name' ? { topicName: n } : { topicNamePrefix: n });
      }
      return { topicPermissions: p };
    }
    let p = scope(new FunctionPermissions().withRole(role(reader, FUNCTION_ROLES)), reader);
    if (present(reader, 'all_functions')) p = p.withAllFunctions();
    const functions = optional(reader, 'function_selector');
    if (functions !== undefined) {
      const [which, name] = variant(functions, `${reader.path}.function_selector`, [
        'function_name',
        'function_name_prefix',
      ]);
      const n = text(name, `${reader.path}.function_selector.${which}`);
      p = p.withFunctionSelector(which === 'function_name' ? { functionName: n } : { functionNamePrefix: n });
    }
    return { functionPermissions: p };
  });
}
