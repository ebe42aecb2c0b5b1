// kafkajs for the tools' own short-lived clients (the test run's clean-up, infra's health
// check), with the apps' fix of its idle timer (quietIdleRequestQueues in
// libs/platform/kafka/src/idle-request-queues.ts, which explains it): unpatched, an idle queue
// re-arms a negative timeout, which Node 24 reports as a TimeoutNegativeWarning. Same rule: only
// for the release it was read against, and only when nothing is pending.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export async function kafkajs() {
  const mod = await import('kafkajs');
  const RequestQueue = require('kafkajs/src/network/requestQueue');
  const original = RequestQueue?.prototype?.scheduleCheckPendingRequests;
  if (require('kafkajs/package.json').version === '2.2.4' && typeof original === 'function' && !original.quiet) {
    const quiet = function scheduleCheckPendingRequests() {
      if (this.pending.length > 0) original.call(this);
    };
    quiet.quiet = true;
    RequestQueue.prototype.scheduleCheckPendingRequests = quiet;
  }
  return mod;
}
