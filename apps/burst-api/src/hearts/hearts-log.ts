import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { HeartBatchTapped, HeartsTappedV2, MAX_HEART_BATCHES_PER_RECORD, Topics } from '@live/contracts';
import { KafkaService } from '@live/kafka';
import { RedisService } from '@live/redis';
import { hash, randomUUID } from 'node:crypto';
import { AppConfig } from '../app.config';

/** A show stays watched this long after its last batch here, and while its unlogged hash is not empty. */
const WATCH_MS = 120_000;

/** A produce request carries at most this many batches (in a record per show, each at most MAX_HEART_BATCHES_PER_RECORD). */
const MAX_BATCHES = 1_000;

/** The id analytics dedupes on: the same batch always maps to the same event. */
export const heartsEventId = (broadcastId: string, userId: string, batchId: string) => {
  // the one-shot hash: no Hash object per batch (a third of the cost, thousands a second)
  const h = hash('sha1', `${broadcastId}/${userId}/${batchId}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/**
 * What the counting script stores for a batch until the log has it (see HeartsLog): field
 * `<userId>/<batchId>`, value `<totalAfter>|<atMs>|<taps,...>`, in the hash of the second
 * of atMs (its bucket). The counting script (COUNT in hearts.service.ts) makes the same field.
 */
export const unloggedField = (userId: string, batchId: string) => `${userId}/${batchId}`;
export const UNLOGGED_BUCKET_MS = 1_000;
export const unloggedBucket = (atMs: number) => Math.floor(atMs / UNLOGGED_BUCKET_MS);

/** Rebuilds the logged form of an unlogged batch from its Redis field and value. */
export function unloggedBatch(broadcastId: string, field: string, value: string): HeartBatchTapped {
  // batch ids never hold '/', user ids may: the last '/' splits them
  const cut = field.lastIndexOf('/');
  const userId = field.slice(0, cut);
  const batchId = field.slice(cut + 1);
  const [totalAfter, atMs, taps] = value.split('|');
  return {
    eventId: heartsEventId(broadcastId, userId, batchId),
    occurredAt: new Date(Number(atMs)).toISOString(),
    userId,
    batchId,
    taps: taps.split(',').map(Number),
    totalAfter: Number(totalAfter),
  };
}

/** A show's batches as records of `burst.hearts.tapped.v2`, at most MAX_HEART_BATCHES_PER_RECORD each. */
export function heartsRecords(broadcastId: string, batches: HeartBatchTapped[]): HeartsTappedV2[] {
  const records: HeartsTappedV2[] = [];
  const occurredAt = new Date().toISOString();
  for (let i = 0; i < batches.length; i += MAX_HEART_BATCHES_PER_RECORD) {
    records.push({ eventId: randomUUID(), occurredAt, broadcastId, batches: batches.slice(i, i + MAX_HEART_BATCHES_PER_RECORD) });
  }
  return records;
}

/**
 * The analytics log of heart taps, off the request path: counted batches are queued in
 * memory and leave together (every HEARTS_LOG_LINGER_MS, or at MAX_BATCHES) as one produce request,
 * a show's batches in one record (`burst.hearts.tapped.v2`; each batch keeps the eventId v1
 * gave it, so analytics dedupes per batch whichever record carries it).
 *
 * The counting script also writes each batch into the show's unlogged hash of the second it
 * was counted in (`hearts-unlogged:<bucket>`, the bucket noted in the show's set of them); once
 * the broker has a request, its batches are deleted from it. So what a crash between the
 * Redis write and the Kafka write loses is bounded and recoverable: the batches of the
 * last few ms stay in the hash, and the show-end flush publishes them before it writes the
 * totals (same eventIds, so analytics counts each batch once). Counts never depend on the log.
 *
 * Batches the broker refused (an outage) must not wait for the show's end: analytics drops
 * what comes later than its allowed lateness. So every HEARTS_RELOG_EVERY_MS each process
 * publishes again what is older than `relogAfterMs` (10 s) in the unlogged hashes of the shows it
 * counted hearts for lately (any replica's leftovers of a show it also serves included). It
 * reads only the hashes of seconds all older than that, so not the batches still on their way:
 * in a spike those were 10,000-28,500 entries of one hash, read whole every 3 s by every replica.
 */
@Injectable()
export class HeartsLog implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(HeartsLog.name);
  /** show -> its batches waiting for the next produce request */
  private queue = new Map<string, HeartBatchTapped[]>();
  private queued = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly sending = new Set<Promise<void>>();
  /** show -> when this process last counted a batch for it */
  private readonly shows = new Map<string, number>();
  private relogTimer: NodeJS.Timeout | undefined;
  private relogging = false;
  /**
   * A batch this old still in the unlogged hash was not taken by the log: its produce request
   * has answered or timed out (KAFKA_PUBLISH_TIMEOUT_MS) by then, twice over. It was 2 s: in a
   * spike with the cores full the log's requests took longer than that, so every replica
   * published batches again that were still on their way (~3% of burst-api's busy time in the profile).
   */
  private readonly relogAfterMs: number;

  constructor(
    private readonly kafka: KafkaService,
    private readonly redis: RedisService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {
    this.relogAfterMs = 2 * config.KAFKA_PUBLISH_TIMEOUT_MS;
  }

  onModuleInit(): void {
    // an emptied bucket leaves the show's set, unless a batch came into it since (a clock behind)
    this.redis.client.defineCommand('liveForgetUnloggedBucket', {
      numberOfKeys: 2,
      lua: `if redis.call('EXISTS', KEYS[1]) == 0 then return redis.call('SREM', KEYS[2], ARGV[1]) end return 0`,
    });
  }

  onApplicationBootstrap(): void {
    this.relogTimer = setInterval(() => void this.relogStale(), this.config.HEARTS_RELOG_EVERY_MS);
    this.relogTimer.unref();
  }

  append(broadcastId: string, batch: HeartBatchTapped): void {
    this.shows.set(broadcastId, Date.now());
    const list = this.queue.get(broadcastId);
    if (list) list.push(batch);
    else this.queue.set(broadcastId, [batch]);
    if (++this.queued >= MAX_BATCHES) this.send();
    else this.timer ??= setTimeout(() => this.send(), this.config.HEARTS_LOG_LINGER_MS);
  }

  /**
   * Publishes shows' batches (a record per show) and forgets them as unlogged; throws if the
   * broker does not take them. `fresh`: built by `append` from batches the service checked,
   * so checking the request's first record, with its first batch, against the topic's schema
   * is enough (all are built by the same typed code); batches rebuilt from Redis are each
   * checked, and come with the hash they were read from (`from`, one show's).
   */
  async publish(shows: Map<string, HeartBatchTapped[]>, fresh = false, from?: string): Promise<void> {
    const records = [...shows].flatMap(([show, batches]) => heartsRecords(show, batches).map((value) => ({ key: show, value })));
    if (records.length === 0) return;
    if (fresh) HeartsTappedV2.parse({ ...records[0].value, batches: records[0].value.batches.slice(0, 1) });
    // nobody waits on it: claims and votes, whose answers wait on their records, go first
    await this.kafka.publishMany(Topics.HeartsTappedV2, records, { check: fresh ? 'none' : 'each', background: true });
    // one HDEL per hash: a show's keys share a cluster slot, different shows' may not
    const { client, keys } = this.redis;
    const deletes: Promise<number>[] = [];
    for (const [show, batches] of shows) {
      if (from) {
        deletes.push(client.hdel(from, ...batches.map((b) => unloggedField(b.userId, b.batchId))));
        continue;
      }
      // a batch's time is its script call's: the second whose hash holds it
      const buckets = new Map<number, string[]>();
      for (const b of batches) {
        const bucket = unloggedBucket(Date.parse(b.occurredAt));
        const fields = buckets.get(bucket);
        if (fields) fields.push(unloggedField(b.userId, b.batchId));
        else buckets.set(bucket, [unloggedField(b.userId, b.batchId)]);
      }
      for (const [bucket, fields] of buckets) deletes.push(client.hdel(keys.broadcast.heartsUnlogged(show, bucket), ...fields));
    }
    await Promise.all(deletes);
  }

  private send(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const shows = this.queue;
    const count = this.queued;
    this.queue = new Map();
    this.queued = 0;
    if (count === 0) return;
    const done = this.publish(shows, true)
      .catch((err: unknown) => {
        // they stay in the unlogged hashes: relogStale publishes them again in a few seconds
        this.logger.warn(`${count} heart batches not logged yet (published again shortly): ${err instanceof Error ? err.message : err}`);
      })
      .finally(() => this.sending.delete(done));
    this.sending.add(done);
  }

  /**
   * Publishes every batch of a show still in its unlogged hashes (those of the seconds all
   * older than `olderThanMs`; 0: all); how many, or -1 if the show has no unlogged hash left.
   * Throws if the broker does not take them (they stay for the next try).
   */
  async relog(broadcastId: string, olderThanMs = 0): Promise<number> {
    const { client, keys } = this.redis;
    const bucketsKey = keys.broadcast.heartsUnloggedBuckets(broadcastId);
    const buckets = await client.smembers(bucketsKey);
    if (buckets.length === 0) return -1;
    const cutoff = Date.now() - olderThanMs;
    let published = 0;
    for (const bucket of buckets) {
      if (olderThanMs > 0 && (Number(bucket) + 1) * UNLOGGED_BUCKET_MS > cutoff) continue;
      const key = keys.broadcast.heartsUnlogged(broadcastId, Number(bucket));
      const batches = Object.entries(await client.hgetall(key)).map(([field, value]) => unloggedBatch(broadcastId, field, value));
      for (let i = 0; i < batches.length; i += MAX_BATCHES) await this.publish(new Map([[broadcastId, batches.slice(i, i + MAX_BATCHES)]]), false, key);
      published += batches.length;
      const forget = client as unknown as { liveForgetUnloggedBucket(key: string, set: string, bucket: string): Promise<number> };
      await forget.liveForgetUnloggedBucket(key, bucketsKey, bucket);
    }
    return published;
  }

  /** The periodic pass over the shows counted here lately: see the class comment. */
  async relogStale(): Promise<void> {
    if (this.relogging) return;
    this.relogging = true;
    try {
      for (const [show, seen] of [...this.shows]) {
        try {
          const n = await this.relog(show, this.relogAfterMs);
          if (n > 0) this.logger.log(`${show}: ${n} heart batches the log had not taken published again`);
          // forget a quiet show once nothing of it is left to log
          if (n === -1 && Date.now() - seen > WATCH_MS) this.shows.delete(show);
        } catch (err) {
          this.logger.warn(`${show}: heart batches still not logged (next try in ${this.config.HEARTS_RELOG_EVERY_MS} ms): ${err instanceof Error ? err.message : err}`);
        }
      }
    } finally {
      this.relogging = false;
    }
  }

  /** What is queued leaves before the producer closes. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.relogTimer);
    this.send();
    await Promise.all([...this.sending]);
  }
}
