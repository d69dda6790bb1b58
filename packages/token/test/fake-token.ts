// momento:token for guest unit tests. The host service is async (jose signs asynchronously) and a
// guest call is synchronous, so tests pre-compute the service's answer with `prepare()`; errors
// are thrown like componentize-js does (an Error with the WIT error as `payload`).
export const calls: unknown[][] = [];
let next: { tag: 'ok' | 'err'; val: unknown } | undefined;

export function answerNext(result: { tag: 'ok' | 'err'; val: unknown }): void {
  next = result;
}

export function generateDisposableToken(
  expires: unknown,
  permissions: string,
  tokenId: string | undefined,
): unknown {
  calls.push([expires, permissions, tokenId]);
  const result = next;
  next = undefined;
  if (!result) throw new Error('fake token host: call answerNext() first');
  if (result.tag === 'err') throw Object.assign(new Error('(see error.payload)'), { payload: result.val });
  return result.val;
}
