import { MemoryCacheBackend } from '../../../runtime/src/services/cache/index.js';
import { cacheSuite } from './suite.js';

cacheSuite('the embedded memory store', async () => {
  const backend = new MemoryCacheBackend();
  return { backend, close: async () => backend.close() };
});
