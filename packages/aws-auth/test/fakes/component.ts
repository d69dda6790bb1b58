// Shared by the guest fakes: componentize-js throws a ComponentError whose `payload` is the WIT
// `err` value; the fakes answer through handlers the tests install, recording every call.
export class ComponentError extends Error {
  readonly payload: unknown;
  constructor(payload: unknown) {
    super(`${String(payload)} (see error.payload)`);
    this.payload = payload;
  }
}

export type FakeResult = { tag: 'ok'; val: unknown } | { tag: 'err'; val: unknown };
export type Handler = (...args: unknown[]) => FakeResult;

export interface FakeCall {
  readonly fn: string;
  readonly args: unknown[];
}

export const calls: FakeCall[] = [];
const handlers = new Map<string, Handler>();

/** Installs the answer of `fn` (e.g. 'aws-s3.get'); `undefined` removes it. */
export function handle(fn: string, handler: Handler | undefined): void {
  if (handler) handlers.set(fn, handler);
  else handlers.delete(fn);
}

export function resetFakes(): void {
  calls.length = 0;
  handlers.clear();
}

export function answer(fn: string, args: unknown[]): unknown {
  calls.push({ fn, args });
  const handler = handlers.get(fn);
  if (!handler) throw new Error(`no fake handler for ${fn}`);
  const result = handler(...args);
  if (result.tag === 'err') throw new ComponentError(result.val);
  return result.val;
}
