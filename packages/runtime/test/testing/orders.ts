/**
 * The web function the host-testing tests build with `host.load('orders.ts')`: looks a price up
 * in the cache, else over HTTP (then caches it), appends the order to a cache list, logs, and
 * starts the `notify` spawn function with the order.
 */
import { extract } from '@momento-functions/bytes';
import * as cache from '@momento-functions/cache';
import { SpawnError, spawnFunction } from '@momento-functions/guest-spawn';
import { WebResponse, web } from '@momento-functions/guest-web';
import { invoke, Request } from '@momento-functions/http';
import { logger } from '@momento-functions/log';

const log = logger('orders');

interface Order {
  sku: string;
  qty: number;
  /** The spawn function to start (default `notify`). */
  notify?: string;
}

export default web(extract.json<Order>(), ({ sku, qty, notify }) => {
  console.log(`order for ${qty} x ${sku}`);
  let cents = cache.get(`price:${sku}`, extract.json<number>());
  let source = 'cache';
  if (cents === undefined) {
    source = 'api';
    let response: ReturnType<typeof invoke>;
    try {
      response = invoke(
        new Request(`https://prices.example.com/sku/${sku}`).withHeader('accept', 'application/json'),
      );
    } catch (error) {
      log.error(`price lookup for ${sku} failed: ${(error as Error).message}`);
      return new WebResponse({ status: 502, body: `price lookup failed: ${(error as Error).message}` });
    }
    if (response.status !== 200) {
      log.warn(`price service answered ${response.status} for ${sku}`);
      return new WebResponse({ status: 502, body: `price service answered ${response.status}` });
    }
    cents = response.body.json<{ cents: number }>().cents;
    cache.set(`price:${sku}`, cents, 60_000);
  }
  const order = { sku, qty, total: cents * qty };
  cache.listPushBack('orders', order, 60_000);
  let spawned = 'started';
  try {
    spawnFunction(notify ?? 'notify', order);
  } catch (error) {
    spawned = error instanceof SpawnError ? error.case : String(error);
    log.warn(`could not start ${notify ?? 'notify'}: ${spawned}`);
  }
  return { ...order, source, spawned };
});
