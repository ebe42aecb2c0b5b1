import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { OutboxEntity } from '@live/management-data-access';
import { TopicName } from '@live/contracts';
import { KafkaService } from '@live/kafka';
import { runWithCorrelationId } from '@live/logging';
import { DataSource } from 'typeorm';

const RELAY_LOCK = 0x6c697665; // pg advisory lock id: one relay publishes at a time, in order
const BATCH = 200;

/**
 * Publishes outbox rows to Kafka after their transaction committed, oldest first, and marks
 * them published. Kicked right after each write; a timer picks up whatever a crash or a
 * broker outage left behind. Delivery is at-least-once: consumers dedupe on eventId.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly kafka: KafkaService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), 1_000);
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Starts a drain, or asks the running one to go round again. */
  kick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain()
      .catch((err) => this.logger.warn(`outbox relay: ${err instanceof Error ? err.message : err}`))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          void this.kick();
        }
      });
    return this.running;
  }

  /** Waits until everything written so far is on the broker (tests and shutdown use it). */
  async flush(): Promise<void> {
    await this.kick();
    await this.kick();
  }

  private async drain(): Promise<void> {
    for (;;) {
      const published = await this.dataSource.transaction(async (m) => {
        const [{ locked }] = await m.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [RELAY_LOCK]);
        if (!locked) return 0;
        const rows = await m
          .getRepository(OutboxEntity)
          .createQueryBuilder('o')
          .where('o.published_at IS NULL')
          .orderBy('o.id', 'ASC')
          .limit(BATCH)
          .getMany();
        if (rows.length === 0) return 0;
        // consecutive rows of one topic go in one request; order is kept throughout
        for (let i = 0; i < rows.length; ) {
          let j = i;
          while (j < rows.length && rows[j].topic === rows[i].topic && rows[j].correlationId === rows[i].correlationId) j++;
          const group = rows.slice(i, j);
          await runWithCorrelationId(group[0].correlationId ?? 'outbox', () =>
            this.kafka.publishMany(
              group[0].topic as TopicName,
              group.map((r) => ({ key: r.key, value: r.payload as never })),
            ),
          );
          i = j;
        }
        await m.query('UPDATE management.outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
        return rows.length;
      });
      if (published < BATCH) return;
    }
  }
}
