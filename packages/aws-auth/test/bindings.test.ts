// defineMissingResourceClass against a stand-in for componentize-js 0.23's import bindings: a
// script in its own realm (node:vm) whose `provider` lifts a handle with
// `Object.create(import_awsAuth_1_0_0$CredentialsProvider.prototype)` and never declares the class.
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { defineMissingResourceClass, PROVIDER_CLASS_BINDING } from '../src/bindings.js';

const handle = Symbol('handle');
/** The lifting code of the generated bindings, verbatim in shape. */
function bindingsRealm(declareClass = false) {
  return runInNewContext(
    `${declareClass ? `class ${PROVIDER_CLASS_BINDING} {}` : ''}
     (function provider(h) {
       var rsc = new.target === ${PROVIDER_CLASS_BINDING} ? this : Object.create(${PROVIDER_CLASS_BINDING}.prototype);
       Object.defineProperty(rsc, handle, { writable: true, value: h });
       return rsc;
     })`,
    { handle },
  ) as (h: number) => Record<symbol, number>;
}

describe('defineMissingResourceClass', () => {
  it('defines the class in the bindings realm, so lifting a handle works', () => {
    const provider = bindingsRealm();
    expect(() => provider(1)).toThrow(`${PROVIDER_CLASS_BINDING} is not defined`);
    expect(defineMissingResourceClass(provider, PROVIDER_CLASS_BINDING, 'CredentialsProvider')).toBe(true);
    const lifted = provider(7);
    expect(lifted[handle]).toBe(7);
    expect(Object.getPrototypeOf(lifted).constructor.name).toBe('CredentialsProvider');
    // Not in this realm's global, and only once.
    expect(PROVIDER_CLASS_BINDING in globalThis).toBe(false);
    expect(defineMissingResourceClass(provider, PROVIDER_CLASS_BINDING, 'CredentialsProvider')).toBe(false);
  });

  it('leaves bindings that declare the class alone (a fixed componentize-js)', () => {
    const provider = bindingsRealm(true);
    expect(defineMissingResourceClass(provider, PROVIDER_CLASS_BINDING, 'CredentialsProvider')).toBe(false);
    expect(provider(3)[handle]).toBe(3);
  });

  it('does nothing for a function of this realm (outside a component, e.g. with fakes)', () => {
    expect(defineMissingResourceClass(() => 1, PROVIDER_CLASS_BINDING, 'CredentialsProvider')).toBe(false);
    expect(defineMissingResourceClass(undefined, PROVIDER_CLASS_BINDING, 'CredentialsProvider')).toBe(false);
    expect(PROVIDER_CLASS_BINDING in globalThis).toBe(false);
  });

  it('the class cannot be constructed by hand; identifiers are checked', () => {
    const provider = bindingsRealm();
    defineMissingResourceClass(provider, PROVIDER_CLASS_BINDING, 'CredentialsProvider');
    const Cls = Object.getPrototypeOf(provider(1)).constructor as new () => unknown;
    expect(() => new Cls()).toThrow('CredentialsProvider handles come from the host');
    expect(() => defineMissingResourceClass(provider, 'not an identifier', 'X')).toThrow(TypeError);
  });
});
