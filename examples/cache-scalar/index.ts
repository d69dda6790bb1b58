// TypeScript port of the upstream `cache-scalar` example: a fixed
// sequence of set/get/delete/set-if calls; results are ignored; the first cache error answers
// 500 `An error occurred during function invocation: CacheError(Error::<Case>)`.
import * as cache from '@momento-functions/cache';
import { CacheError, SetIfCondition } from '@momento-functions/cache';
import { INVOCATION_ERROR_PREFIX, WebError, web } from '@momento-functions/guest-web';

const TTL = { seconds: 60 };

export default web(() => {
  try {
    cache.set('greeting', 'Hello, World!', TTL);
    cache.get('greeting');
    cache.set('counter', '0', TTL);
    cache.set('temp-data', 'temporary', TTL);
    cache.delete('temp-data');
    cache.get('temp-data');
    cache.setIf('new-key', 'first-value', TTL, SetIfCondition.absent());
    cache.setIf('new-key', 'second-value', TTL, SetIfCondition.absent());
    cache.setIf('counter', '1', TTL, SetIfCondition.notEqual('999'));
    cache.get('counter');
  } catch (error) {
    if (error instanceof CacheError) throw WebError.message(INVOCATION_ERROR_PREFIX + error.debug);
    throw error;
  }
  return 'Cache scalar demo completed!';
});
