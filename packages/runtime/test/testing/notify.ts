/**
 * The spawn function the host-testing tests build with `host.load('notify.ts')`: logs the order
 * it was started with and publishes it on the `orders` topic.
 */
import { extract } from '@momento-functions/bytes';
import { spawn } from '@momento-functions/guest-spawn';
import { publish } from '@momento-functions/topic';

export default spawn(extract.json<{ sku: string; qty: number; total: number }>(), (order) => {
  console.log(`notifying about ${order.qty} x ${order.sku}`);
  publish('orders', JSON.stringify(order));
});
