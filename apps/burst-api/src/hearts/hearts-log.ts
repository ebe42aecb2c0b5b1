import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { HeartsTappedV1, Topics } from '@live/contracts';
import { KafkaService } from '@live/kafka';
import { RedisService } from '@live/redis';
import { createHash } from 'node:crypto';

/** How long a counted batch may wait for others before its produce request leaves. */
const LINGER_MS = 5;
/** A produce request carries at most this many batches. */
const MAX_RECORDS = 1_000;

/** The id analytics dedupes on: the same batch always maps to the same event. */
export const heartsEventId = (broadcastId: string, userId: string, batchId: string) => {
  const h = createHash('sha1').update(`${broadcastId}/${userId}/${batchId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/**
 * What the counting script stores for a batch until the log has it (see HeartsLog): field
 * `<userId>/<batchId>`, value `<totalAfter>|<tail>`; the script prepends the total.
 */
export const unloggedField = (userId: string, batchId: string) => `${userId}/${batchId}`;
export const unloggedTail = (atMs: number, taps: number[]) => `${atMs}|${taps.join(',')}`;

/** Rebuilds the event of an unlogged batch from its Redis field and value. */
export function unloggedEvent(broadcastId: string, field: string, value: string): HeartsTappedV1 {
  // batch ids never hold '/', user ids may: the last '/' splits them
  const cut = field.lastIndexOf('/');
  const userId = field.slice(0, cut);
  const batchId = field.slice(cut + 1);
  const [totalAfter, atMs, taps] = value.split('|');
  return {
    eventId: heartsEventId(broadcastId, userId, batchId),
    occurredAt: new Date(Number(atMs)).toISOString(),
    broadcastId: broadcastId,
    userId,
    batchId,
    taps: taps.split(',').map(Number),
    totalAfter: Number(totalAfter),
  };
}

/**
 * The analytics log of heart taps, off the request path: counted batches are queued in
 * memory and leave together (every LINGER_MS, or at MAX_RECORDS) as one produce request.
 *
 * The counting script also writes each batch into the show's `hearts-unlogged` hash; once
 * the broker has a request, its batches are deleted from it. So what a crash between the
 * Redis write and the Kafka write loses is bounded and recoverable: the batches of the
 * last few ms stay in the hash, and the show-end flush publishes them before it writes the
 * totals (same eventIds, so analytics counts each batch once). Counts never depend on the log.
 */
@Injectable()
export class HeartsLog implements BeforeApplicationShutdown {
  private readonly logger = new Logger(HeartsLog.name);
  private queue: HeartsTappedV1[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly sending = new Set<Promise<void>>();

  constructor(
    private readonly kafka: KafkaService,
    private readonly redis: RedisService,
  ) {}

  append(event: HeartsTappedV1): void {
    this.queue.push(event);
    if (this.queue.length >= MAX_RECORDS) this.send();
    else this.timer ??= setTimeout(() => this.send(), LINGER_MS);
  }

  /** Publishes events and forgets them as unlogged; throws if the broker does not take them. */
  async publish(events: HeartsTappedV1[]): Promise<void> {
    if (events.length === 0) return;
    await this.kafka.publishMany(
      Topics.HeartsTapped,
      events.map((value) => ({ key: value.broadcastId, value })),
    );
    const forget = this.redis.client.pipeline();
    for (const e of events) forget.hdel(this.redis.keys.broadcast.heartsUnlogged(e.broadcastId), unloggedField(e.userId, e.batchId));
    await forget.exec();
  }

  private send(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const events = this.queue;
    this.queue = [];
    if (events.length === 0) return;
    const done = this.publish(events)
      .catch((err: unknown) => {
        // they stay in the unlogged hashes: the show-end flush publishes them
        this.logger.warn(`${events.length} heart batches not logged yet (kept for the show-end flush): ${err instanceof Error ? err.message : err}`);
      })
      .finally(() => this.sending.delete(done));
    this.sending.add(done);
  }

  /** What is queued leaves before the producer closes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.send();
    await Promise.all([...this.sending]);
  }
}
