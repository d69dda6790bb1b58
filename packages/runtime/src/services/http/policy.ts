/**
 * Outbound destination rules (allow / deny) for `momento:http`, checked on the URL's host name
 * and again on every address it resolves to (so a name that resolves to a denied address is
 * refused at connect time, which also covers DNS rebinding).
 */
import { BlockList, isIP } from 'node:net';

/**
 * One destination rule:
 * - `'*'`: everything;
 * - `'example.com'`: that host name (case-insensitive); `'*.example.com'`: its subdomains;
 * - `'10.0.0.0/8'`, `'fd00::/8'`, `'127.0.0.1'`, `'::1'`: addresses (literal or resolved);
 * - `'private'`: loopback, private (RFC 1918, unique-local), link-local (incl. cloud metadata
 *   `169.254.169.254`), carrier-grade NAT, unspecified and IPv4-mapped forms of these.
 *
 * @example
 * ```ts
 * const rules: DestinationRule[] = ['api.example.com', '*.internal.example', '10.0.0.0/8', 'private'];
 * createHttpService({ deny: rules });
 * ```
 */
export type DestinationRule = string;

const PRIVATE_RANGES: [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
];

class RuleSet {
  readonly everything: boolean;
  readonly names = new Set<string>();
  readonly suffixes: string[] = [];
  readonly addresses = new BlockList();
  readonly hasAddressRules: boolean;

  constructor(rules: readonly DestinationRule[], optionName: string) {
    let everything = false;
    let hasAddressRules = false;
    for (const raw of rules) {
      const rule = raw.trim().toLowerCase();
      if (rule === '*') {
        everything = true;
      } else if (rule === 'private') {
        for (const [net, prefix, type] of PRIVATE_RANGES) this.addresses.addSubnet(net, prefix, type);
        hasAddressRules = true;
      } else if (rule.includes('/') && !rule.includes('://')) {
        const [net = '', prefixText = ''] = rule.split('/');
        const type = isIP(net);
        const prefix = Number(prefixText);
        if (type === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > (type === 4 ? 32 : 128)) {
          throw new TypeError(
            `createHttpService({ ${optionName} }): '${raw}' is not a valid CIDR range (e.g. '10.0.0.0/8', 'fd00::/8')`,
          );
        }
        this.addresses.addSubnet(net, prefix, type === 4 ? 'ipv4' : 'ipv6');
        hasAddressRules = true;
      } else if (isIP(stripBrackets(rule)) !== 0) {
        const address = stripBrackets(rule);
        this.addresses.addAddress(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
        hasAddressRules = true;
      } else if (rule.startsWith('*.') && rule.length > 2) {
        this.suffixes.push(rule.slice(1));
      } else if (/^[a-z0-9_.-]+$/.test(rule)) {
        this.names.add(rule.replace(/\.$/, ''));
      } else {
        throw new TypeError(
          `createHttpService({ ${optionName} }): '${raw}' is not a rule; use '*', a host name ('api.example.com'), '*.example.com', an address, a CIDR range or 'private'`,
        );
      }
    }
    this.everything = everything;
    this.hasAddressRules = hasAddressRules;
  }

  matchesName(hostname: string): string | undefined {
    if (this.everything) return '*';
    const name = hostname.toLowerCase().replace(/\.$/, '');
    if (this.names.has(name)) return name;
    for (const suffix of this.suffixes) if (name.endsWith(suffix)) return `*${suffix}`;
    return undefined;
  }

  matchesAddress(address: string): boolean {
    if (this.everything) return true;
    const type = isIP(address);
    if (type === 0) return false;
    if (this.addresses.check(address, type === 4 ? 'ipv4' : 'ipv6')) return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    return mapped !== undefined && this.addresses.check(mapped, 'ipv4');
  }
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * The decision for one destination: `undefined` when allowed, else why not.
 *
 * @example
 * ```ts
 * const verdict: PolicyVerdict = new DestinationPolicy(undefined, ['private']).checkHost('127.0.0.1');
 * ```
 */
export type PolicyVerdict = string | undefined;

/**
 * Compiled allow / deny lists.
 *
 * @example
 * ```ts
 * const policy = new DestinationPolicy(['*.example.com'], ['private']);
 * policy.checkHost('api.example.com'); // undefined (allowed; addresses are checked at connect time)
 * policy.checkHost('169.254.169.254'); // "address 169.254.169.254 of '169.254.169.254' matches a deny rule"
 * ```
 */
export class DestinationPolicy {
  readonly #allow: RuleSet | undefined;
  readonly #deny: RuleSet;
  readonly #denyCount: number;

  /**
   * Compiles the rules; a destination is refused when it matches a deny rule, or when an allow
   * list is given and it matches none of its rules.
   *
   * @param allow - the only destinations allowed, or `undefined` to allow every destination not denied.
   * @param deny - destinations refused even when allowed; none when `undefined`.
   */
  constructor(allow: readonly DestinationRule[] | undefined, deny: readonly DestinationRule[] | undefined) {
    this.#allow = allow === undefined ? undefined : new RuleSet(allow, 'allow');
    this.#deny = new RuleSet(deny ?? [], 'deny');
    this.#denyCount = deny?.length ?? 0;
  }

  /** `true` when no rule is configured (every destination is allowed). */
  get isOpen(): boolean {
    return this.#allow === undefined && this.#denyCount === 0;
  }

  /** Checks the URL's host name (and, for an address literal, the address). */
  checkHost(hostname: string): PolicyVerdict {
    const host = stripBrackets(hostname);
    if (isIP(host) !== 0) return this.checkAddress(host, host);
    const denied = this.#deny.matchesName(host);
    if (denied !== undefined) return `host '${host}' matches deny rule '${denied}'`;
    const allow = this.#allow;
    if (allow !== undefined && !allow.hasAddressRules && allow.matchesName(host) === undefined) {
      return `host '${host}' matches no allow rule`;
    }
    return undefined;
  }

  /** Checks one address `hostname` resolved to (or the literal address itself). */
  checkAddress(hostname: string, address: string): PolicyVerdict {
    const host = stripBrackets(hostname);
    if (this.#deny.matchesAddress(address)) return `address ${address} of '${host}' matches a deny rule`;
    if (this.#allow === undefined) return undefined;
    if (isIP(host) === 0 && this.#allow.matchesName(host) !== undefined) return undefined;
    if (this.#allow.matchesAddress(address)) return undefined;
    return `'${host}'${isIP(host) === 0 ? ` (address ${address})` : ''} matches no allow rule`;
  }
}
