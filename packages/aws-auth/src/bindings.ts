/**
 * Works around a componentize-js 0.23 bug (measured; see docs/aws.md "componentize-js 0.23 and
 * `credentials-provider`"): for a WIT resource with no constructor, method or static function —
 * aws-auth's `resource credentials-provider;` — the generated import bindings never declare the
 * resource's class, yet lifting a handle of it (`provider`'s `ok`) evaluates
 * `Object.create(import_awsAuth_1_0_0$CredentialsProvider.prototype)`. Every `provider(...)` call
 * then throws `ReferenceError: import_awsAuth_1_0_0$CredentialsProvider is not defined`.
 *
 * The bindings run as a script in their own realm (not the guest's `globalThis`), so a global of
 * that name must be defined in *their* realm: every function they hand out is made by that realm's
 * `Function`, which evaluates code in that realm's global scope.
 */

/** The identifier componentize-js 0.23's bindings use, but never declare, for `credentials-provider`. */
export const PROVIDER_CLASS_BINDING = 'import_awsAuth_1_0_0$CredentialsProvider';

/**
 * Defines the class `identifier` as a global of the realm that made `binding` (a function of the
 * component's import bindings), when that realm is not this one and has no such name yet. Returns
 * whether it defined it. Does nothing outside a component (same realm), or when the bindings
 * declare the class themselves (a fixed componentize-js).
 *
 * @param binding - any function the bindings exported (e.g. aws-auth's `provider`).
 * @param identifier - the free identifier the bindings use for the resource class.
 * @param className - the class's `name`, for messages and debugging.
 * @example
 * ```ts
 * import { provider } from 'momento:aws-auth/aws-auth@1.0.0';
 * defineMissingResourceClass(provider, PROVIDER_CLASS_BINDING, 'CredentialsProvider');
 * ```
 */
export function defineMissingResourceClass(binding: unknown, identifier: string, className: string): boolean {
  if (!/^[A-Za-z_$][\w$]*$/.test(identifier)) throw new TypeError(`not an identifier: ${identifier}`);
  const BindingsFunction = (binding as { constructor?: unknown } | undefined)?.constructor;
  if (typeof BindingsFunction !== 'function' || BindingsFunction === Function) return false;
  const evaluate = (body: string): unknown => (BindingsFunction as FunctionConstructor)(body)();
  let realm: Record<string, unknown>;
  try {
    realm = evaluate('return globalThis') as Record<string, unknown>;
    if (realm === (globalThis as unknown) || evaluate(`return typeof ${identifier}`) !== 'undefined') {
      return false;
    }
  } catch {
    // The bindings' realm refuses to evaluate code: leave the bindings' own error to surface.
    return false;
  }
  const ResourceClass = {
    [className]: class {
      // Instances are made by the bindings (`Object.create(prototype)`), holding the handle.
      constructor() {
        throw new TypeError(`${className} handles come from the host; they cannot be constructed`);
      }
    },
  }[className];
  Object.defineProperty(realm, identifier, {
    value: ResourceClass,
    writable: false,
    enumerable: false,
    configurable: true,
  });
  return true;
}
