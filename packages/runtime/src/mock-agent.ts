/** The undici `MockAgent` of the undici the runtime sends outbound HTTP with. */
import { MockAgent as UndiciMockAgent } from 'undici';

/**
 * undici's `MockAgent`, from the very undici the host's `momento:http` service sends with, so it
 * always fits `createHost({ backends: { http: { dispatcher } } })` whatever undici your project
 * installs. (`import { MockAgent } from 'undici'` works too while it resolves to a compatible undici.)
 * Call `disableNetConnect()` so a request no interceptor matches fails — the function gets an
 * `HttpError` naming it, and the invocation's `res.logs` an `error` line — instead of reaching the
 * network. See docs/testing.md.
 *
 * @example
 * import { createHost, MockAgent } from '@momento-functions/runtime';
 * const http = new MockAgent();
 * http.disableNetConnect();
 * http.get('https://api.example.com').intercept({ path: '/price/A1' }).reply(200, { cents: 500 });
 * const host = await createHost({ backends: { http: { dispatcher: http } } });
 */
export const MockAgent: typeof UndiciMockAgent = UndiciMockAgent;
/**
 * The type of a {@link MockAgent} instance (undici's own `MockAgent` class type), to annotate a
 * variable or parameter that holds one.
 *
 * @example
 * let http: MockAgent;
 * beforeAll(() => { http = new MockAgent(); http.disableNetConnect(); });
 */
export type MockAgent = UndiciMockAgent;
