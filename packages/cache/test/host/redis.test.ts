import { connectRedis, RedisCacheBackend } from '@momento-functions/runtime/services/cache';
import { startRedis } from '../support/redis.js';
import { cacheSuite } from './suite.js';

cacheSuite('Valkey/Redis (a real redis-server)', async () => {
  const server = await startRedis();
  const backend = new RedisCacheBackend({ client: connectRedis({ url: server.url }), keyPrefix: 'suite:' });
  return {
    backend,
    close: async () => {
      await backend.close();
      await server.stop();
    },
  };
});
