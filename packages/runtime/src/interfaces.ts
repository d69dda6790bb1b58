/**
 * Which component imports this host serves, which the real platform would refuse, and how WASI
 * versions are matched. Pure logic, used by the loader and unit-tested on its own.
 */

/** Interfaces the host core itself implements (the rest come from {@link HostService}s). */
export const CORE_INTERFACES = [
  'momento:bytes/bytes@1.0.0',
  'momento:web-function/web-function-support@1.0.0',
  'momento:web-function/web-function-stream@1.0.0',
] as const;

/** Every interface the real platform serves to a v2 guest (the Momento packages of `wit/deps/`). */
export const MOMENTO_INTERFACES = [
  ...CORE_INTERFACES,
  'momento:cache-scalar/cache-scalar@1.0.0',
  'momento:cache-list/cache-list@1.0.0',
  'momento:http/http@1.0.0',
  'momento:log/logging@1.0.0',
  'momento:topic/topic@1.0.0',
  'momento:token/token@1.0.0',
  'momento:valkey/valkey@1.0.0',
  'momento:aws-auth/aws-auth@1.0.0',
  'momento:aws-s3/aws-s3@1.0.0',
  'momento:aws-ddb/aws-ddb@1.0.0',
  'momento:aws-secrets/aws-secrets@1.0.0',
  'momento:aws-lambda/aws-lambda@1.0.0',
  'momento:spawn/spawn@1.0.0',
] as const;

/** The exports a Momento function may have; exactly one of them. */
export const WEB_EXPORT = 'momento:web-function/guest-function-web@1.0.0';
/** The spawn-function export. */
export const SPAWN_EXPORT = 'momento:spawn-function/guest-function-spawn@1.0.0';

/**
 * How the host treats a WASI interface (all `wasi:*@0.2.x`):
 * - `served`: works as on the platform (clocks, environment, random, io/error, io/poll);
 * - `trapping`: importable, but every call that would do I/O traps with a clear message,
 *   as the platform does for stdio, streams, filesystem and exit.
 * Anything else is refused at load: the platform fails such components at upload.
 */
export const WASI_POLICY: Readonly<Record<string, 'served' | 'trapping'>> = {
  'wasi:cli/environment': 'served',
  'wasi:clocks/wall-clock': 'served',
  'wasi:clocks/monotonic-clock': 'served',
  'wasi:random/random': 'served',
  'wasi:random/insecure': 'served',
  'wasi:random/insecure-seed': 'served',
  'wasi:io/error': 'served',
  'wasi:io/poll': 'served',
  'wasi:io/streams': 'trapping',
  'wasi:cli/stdin': 'trapping',
  'wasi:cli/stdout': 'trapping',
  'wasi:cli/stderr': 'trapping',
  'wasi:cli/exit': 'trapping',
  'wasi:cli/terminal-input': 'trapping',
  'wasi:cli/terminal-output': 'trapping',
  'wasi:cli/terminal-stdin': 'trapping',
  'wasi:cli/terminal-stdout': 'trapping',
  'wasi:cli/terminal-stderr': 'trapping',
  'wasi:filesystem/types': 'trapping',
  'wasi:filesystem/preopens': 'trapping',
};

/** A parsed `namespace:package/interface@version` name. */
export interface InterfaceName {
  /** `namespace:package/interface`, without the version. */
  readonly base: string;
  /** The version, or `undefined` when the import is unversioned. */
  readonly version: string | undefined;
}

/**
 * Splits an interface name into its unversioned base and its version.
 *
 * @example
 * parseInterfaceName('wasi:clocks/wall-clock@0.2.3'); // { base: 'wasi:clocks/wall-clock', version: '0.2.3' }
 */
export function parseInterfaceName(name: string): InterfaceName {
  const at = name.lastIndexOf('@');
  if (at <= 0) return { base: name, version: undefined };
  return { base: name.slice(0, at), version: name.slice(at + 1) };
}

/**
 * Semver compatibility the way a component linker applies it: same major version, and for
 * `0.x` the same minor (so `0.2.0`…`0.2.12` all match `0.2.x`, `1.0.0` matches `1.3.0`).
 *
 * @example
 * isSemverCompatible('0.2.12', '0.2.3'); // true
 * isSemverCompatible('0.3.0', '0.2.3'); // false
 */
export function isSemverCompatible(wanted: string, served: string): boolean {
  const a = /^(\d+)\.(\d+)\.(\d+)/.exec(wanted);
  const b = /^(\d+)\.(\d+)\.(\d+)/.exec(served);
  if (!a || !b) return wanted === served;
  if (a[1] !== b[1]) return false;
  if (a[1] === '0') return a[2] === b[2];
  return true;
}

/** Why one import cannot be linked. */
export interface ImportProblem {
  /** The import exactly as the component names it. */
  readonly name: string;
  /** What is wrong and what to do about it. */
  readonly reason: string;
}

/** What the loader needs to know about one import after checking it. */
export type ImportResolution =
  | {
      /** Served by the host core itself (`momento:bytes`, web-function support and stream). */
      readonly kind: 'core';
      /** The import exactly as the component names it, version included. */
      readonly name: string;
      /** The core interface that serves it: a semver-compatible version of the same interface. */
      readonly served: string;
    }
  | {
      /** Served by a registered HostService (built-in or passed to `createHost({ services })`). */
      readonly kind: 'service';
      /** The import exactly as the component names it, version included. */
      readonly name: string;
      /** The service interface name that serves it: a semver-compatible version of the same interface. */
      readonly served: string;
    }
  | {
      /** A `wasi:*@0.2.x` interface the platform links (see WASI_POLICY). */
      readonly kind: 'wasi';
      /** The import exactly as the component names it, version included. */
      readonly name: string;
      /** The interface without its version, e.g. `wasi:clocks/wall-clock`. */
      readonly base: string;
      /** `served` when it works as on the platform; `trapping` when every call that would do I/O traps. */
      readonly policy: 'served' | 'trapping';
    };

/** The outcome of checking a component's import list. */
export interface ImportCheck {
  /** How each import that links is served, in the order of the component's import list. */
  readonly resolved: readonly ImportResolution[];
  /** Each import that would not link, and why; empty when the component can be loaded. */
  readonly problems: readonly ImportProblem[];
}

function findCompatible(name: string, candidates: Iterable<string>): string | undefined {
  const { base, version } = parseInterfaceName(name);
  for (const candidate of candidates) {
    const c = parseInterfaceName(candidate);
    if (c.base !== base) continue;
    if (version === undefined || c.version === undefined || isSemverCompatible(version, c.version))
      return candidate;
  }
  return undefined;
}

/**
 * Checks each import against what this host serves (`served`: the core interfaces plus the
 * registered services' interface names) and against the platform's allow-list, and names every
 * import that is missing or that the real platform would refuse.
 *
 * @example
 * const { problems } = checkImports(['wasi:sockets/tcp@0.2.0'], ['momento:log/logging@1.0.0']);
 * // problems[0].reason: 'the platform links no wasi:sockets/tcp …'
 */
export function checkImports(imports: readonly string[], services: Iterable<string>): ImportCheck {
  const resolved: ImportResolution[] = [];
  const problems: ImportProblem[] = [];
  const serviceNames = [...services];
  for (const name of imports) {
    const { base, version } = parseInterfaceName(name);
    if (base.startsWith('wasi:')) {
      const policy = WASI_POLICY[base];
      if (!policy) {
        problems.push({
          name,
          reason: `the platform links no ${base}; it accepts only wasi clocks, environment, random, io and the stdio/filesystem/exit stubs. Remove what pulls it in (for componentize-js, disable the feature; for Rust/C, stop using that std API).`,
        });
      } else if (version !== undefined && !isSemverCompatible(version, '0.2.0')) {
        problems.push({
          name,
          reason: `WASI ${version} is not served; the platform links wasi:*@0.2.x. Build against WASI 0.2 (wasm32-wasip2 or the preview1 adapter).`,
        });
      } else {
        resolved.push({ kind: 'wasi', name, base, policy });
      }
      continue;
    }
    const core = findCompatible(name, CORE_INTERFACES);
    if (core) {
      resolved.push({ kind: 'core', name, served: core });
      continue;
    }
    const service = findCompatible(name, serviceNames);
    if (service) {
      resolved.push({ kind: 'service', name, served: service });
      continue;
    }
    if (findCompatible(name, MOMENTO_INTERFACES)) {
      problems.push({
        name,
        reason:
          'the platform serves it but this host has no service for it; pass a HostService for it in createHost({ services })',
      });
    } else if (base.startsWith('momento:')) {
      problems.push({
        name,
        reason: `not a Momento interface the platform serves (known: ${MOMENTO_INTERFACES.map((n) => parseInterfaceName(n).base).join(', ')}); check the WIT your guest was built against`,
      });
    } else {
      problems.push({
        name,
        reason:
          'the platform links only momento:* and a few wasi:* interfaces; a component importing anything else is refused at upload',
      });
    }
  }
  return { resolved, problems };
}

/**
 * Formats a list of problems as one error message, one import per line.
 *
 * @example
 * formatProblems('my-fn', [{ name: 'wasi:sockets/tcp@0.2.0', reason: '...' }]);
 */
export function formatProblems(functionName: string, problems: readonly ImportProblem[]): string {
  const lines = problems.map((p) => `  - ${p.name}: ${p.reason}`);
  return `Function '${functionName}' cannot be loaded; ${problems.length} import${problems.length === 1 ? '' : 's'} would not link:\n${lines.join('\n')}`;
}

// ---------------------------------------------------------------------------------------------
// WIT resources served by host services

/**
 * A WIT kebab-case name in jco's UpperCamelCase (the class name a resource gets in the import
 * object): each word capitalised, the rest of it lowercased, as jco does.
 *
 * @example
 * witClassName('cluster-client'); // 'ClusterClient'
 */
export function witClassName(kebab: string): string {
  return kebab
    .split('-')
    .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1).toLowerCase() : ''))
    .join('');
}

/**
 * A WIT kebab-case name in jco's lowerCamelCase (a function or method name).
 *
 * @example
 * witMemberName('get-secret-value'); // 'getSecretValue'
 */
export function witMemberName(kebab: string): string {
  const cls = witClassName(kebab);
  return cls ? cls[0]!.toLowerCase() + cls.slice(1) : cls;
}

/** A resource function's WIT name taken apart. */
export type ResourceFunctionName =
  | { readonly kind: 'constructor'; readonly resource: string }
  | { readonly kind: 'method' | 'static'; readonly resource: string; readonly member: string };

/**
 * Parses `[constructor]r`, `[method]r.m` and `[static]r.m`; `undefined` for anything else
 * (plain functions, `[resource-drop]r`).
 *
 * @example
 * parseResourceFunction('[method]cluster-client.command'); // { kind: 'method', resource: 'cluster-client', member: 'command' }
 */
export function parseResourceFunction(name: string): ResourceFunctionName | undefined {
  const ctor = /^\[constructor\]([a-z0-9-]+)$/i.exec(name);
  if (ctor) return { kind: 'constructor', resource: ctor[1]! };
  const member = /^\[(method|static)\]([a-z0-9-]+)\.([a-z0-9-]+)$/i.exec(name);
  if (member) return { kind: member[1] as 'method' | 'static', resource: member[2]!, member: member[3]! };
  return undefined;
}

/** How the sandbox builds the class of one resource a component imports (see {@link planResources}). */
export interface ResourcePlan {
  /** The class name the glue looks up in the import object, e.g. `ClusterClient`. */
  readonly className: string;
  /** The service function behind `new Class(...)`: `[constructor]<resource>`. */
  readonly ctor: string | undefined;
  /** Instance methods: the glue's name → the service function (`[method]<resource>.<m>`). */
  readonly methods: readonly { readonly js: string; readonly wit: string }[];
  /** Static functions: the glue's name → the service function (`[static]<resource>.<m>`). */
  readonly statics: readonly { readonly js: string; readonly wit: string }[];
}

/**
 * Plans the classes of the resources of one imported interface: `classNames` are the classes
 * the glue takes from the import object, `used` the resource functions the component calls (WIT
 * names), `served` the service's function names. Each class gets every resource function of its
 * resource found in either list; `missing` lists the functions the component calls that the
 * service lacks.
 *
 * @example
 * planResources(['Counter'], ['[method]counter.add'], ['[constructor]counter', '[method]counter.add']);
 * // { plans: [{ className: 'Counter', ctor: '[constructor]counter', methods: [{ js: 'add', wit: '[method]counter.add' }], statics: [] }], missing: [] }
 */
export function planResources(
  classNames: readonly string[],
  used: readonly string[],
  served: readonly string[],
): { plans: ResourcePlan[]; missing: string[] } {
  const servedSet = new Set(served);
  const missing = used.filter((name) => !servedSet.has(name));
  const all = [...new Set([...used, ...served])];
  const plans: ResourcePlan[] = [];
  for (const className of classNames) {
    let ctor: string | undefined;
    const methods: { js: string; wit: string }[] = [];
    const statics: { js: string; wit: string }[] = [];
    for (const name of all) {
      const parsed = parseResourceFunction(name);
      if (!parsed || witClassName(parsed.resource) !== className) continue;
      if (parsed.kind === 'constructor') ctor = name;
      else
        (parsed.kind === 'method' ? methods : statics).push({ js: witMemberName(parsed.member), wit: name });
    }
    plans.push({ className, ctor, methods, statics });
  }
  return { plans, missing };
}
