import { createRequire } from 'node:module';

/** The kafkajs release whose request queue this was checked against (see quietIdleRequestQueues). */
export const PATCHED_KAFKAJS_VERSION = '2.2.4';

interface RequestQueueLike {
  pending: unknown[];
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  scheduleCheckPendingRequests(): void;
}

let applied: 'applied' | 'skipped' | undefined;

/**
 * Stops kafkajs 2.2.4's idle timer loop, once per process: every broker connection's request
 * queue re-arms a `setTimeout` after each check even when nothing waits, and with its default
 * `throttledUntil` (-1) the delay is negative, so Node fires it every millisecond, forever
 * (tulios/kafkajs#1556, #1704; fixes proposed in #1667 and #1768, none released). Measured here:
 * ~1.2% of a core in every process that has a Kafka client, idle or not (docs/benchmarks.md).
 *
 * The check it schedules only sends requests that wait in `pending`. A request is put there
 * only by `push`, which schedules a check itself; an answer or a timeout checks at once. So with
 * nothing pending there is nothing to schedule, and this returns instead. With requests
 * pending (too many in flight, or the broker throttling) it runs kafkajs's own code unchanged.
 *
 * No patch tool: the Docker image installs production dependencies alone, and a patch applied
 * by an install script would have to reach that stage too; this is applied where kafkajs runs.
 * Only for the release it was read against: another one keeps its own code, and the unit test
 * (idle-request-queues.spec.ts) fails until this is checked again. `KAFKAJS_AS_RELEASED=1`
 * leaves kafkajs as released (bench:kafka-idle's baseline; a way back if this ever misbehaves).
 */
export function quietIdleRequestQueues(env: NodeJS.ProcessEnv = process.env): 'applied' | 'skipped' {
  if (applied) return applied;
  if (env.KAFKAJS_AS_RELEASED === '1') return (applied = 'skipped');
  const require = createRequire(__filename);
  const version = (require('kafkajs/package.json') as { version: string }).version;
  const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: RequestQueueLike } | undefined;
  const original = RequestQueue?.prototype?.scheduleCheckPendingRequests;
  if (version !== PATCHED_KAFKAJS_VERSION || typeof original !== 'function') return (applied = 'skipped');
  RequestQueue!.prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueueLike) {
    if (this.pending.length === 0) return;
    original.call(this);
  };
  return (applied = 'applied');
}
