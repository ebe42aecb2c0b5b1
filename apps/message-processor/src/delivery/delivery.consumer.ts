import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Topics } from '@live/contracts';
import { ChatMessageRepository } from '@live/chat-data-access';
import { KafkaService } from '@live/kafka';
import { MetricsService } from '@live/metrics';
import { AppConfig } from '../app.config';
import { DeliveryService } from './delivery.service';

export const DELIVERY_GROUP = 'message-processor.delivery';
/** a chat line's Kafka record, headers and batch overhead included, roughly */
const RECORD_BYTES = 512;

/** Kafka entry: the platform consumer parses and validates; the service does the work. */
@Injectable()
export class DeliveryConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger(DeliveryConsumer.name);

  constructor(
    private readonly kafka: KafkaService,
    private readonly delivery: DeliveryService,
    private readonly messages: ChatMessageRepository,
    private readonly metrics: MetricsService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const stored = this.metrics.counter('chat_messages_stored_total', 'chat messages newly persisted');
    const consumed = this.metrics.counter('chat_messages_consumed_total', 'chat messages read from Kafka');
    await this.kafka
      .createConsumer({
        groupId: DELIVERY_GROUP,
        topics: [Topics.ChatAccepted],
        // The window: the broker holds the fetch until CHAT_WINDOW_MS has passed or about
        // CHAT_WINDOW_MAX_LINES lines are there, whichever comes first (minBytes counts bytes,
        // so lines are estimated at RECORD_BYTES each; the split into <= max-line windows below
        // is exact).
        fetch: this.config.CHAT_BATCHING
          ? { minBytes: this.config.CHAT_WINDOW_MAX_LINES * RECORD_BYTES, maxWaitTimeInMs: this.config.CHAT_WINDOW_MS }
          : { maxWaitTimeInMs: this.config.CHAT_WINDOW_MS },
        handleBatch: async (events) => {
          consumed.inc(events.length);
          const result = await this.delivery.deliver(events.map((e) => e.value));
          stored.inc(result.stored);
          this.logger.debug(
            `window of ${events.length}: ${result.stored} new, ${result.shown} shown, ${result.suppressed} suppressed; correlationIds=${events.map((e) => e.correlationId ?? '-').join(',')}`,
          );
        },
      })
      .start();

    // moderators' deletes: the record keeps the line, marked deleted (replay leaves it out)
    await this.kafka
      .createConsumer({
        groupId: 'message-processor.moderation',
        topics: [Topics.ModerationAction],
        handleBatch: async (events) => {
          const ids = events.flatMap((e) => (e.value.action === 'message.deleted' ? [e.value.messageId] : []));
          await this.messages.markDeleted(ids);
        },
      })
      .start();
  }
}
