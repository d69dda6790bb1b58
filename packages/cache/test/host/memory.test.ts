import { MemoryCacheBackend } from '@momento-functions/runtime/services/cache';
import { cacheSuite } from './suite.js';

cacheSuite('the embedded memory store', async () => {
  const backend = new MemoryCacheBackend();
  return { backend, close: async () => backend.close() };
});
