import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Topics } from '@live/contracts';
import { KafkaService } from '@live/kafka';
import { MetricsService } from '@live/metrics';
import { DeliveryService } from './delivery.service';

export const DELIVERY_GROUP = 'message-processor.delivery';

/** Kafka entry: the platform consumer parses and validates; the service does the work. */
@Injectable()
export class DeliveryConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger(DeliveryConsumer.name);

  constructor(
    private readonly kafka: KafkaService,
    private readonly delivery: DeliveryService,
    private readonly metrics: MetricsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const stored = this.metrics.counter('chat_messages_stored_total', 'chat messages newly persisted');
    const consumed = this.metrics.counter('chat_messages_consumed_total', 'chat messages read from Kafka');
    await this.kafka
      .createConsumer({
        groupId: DELIVERY_GROUP,
        topics: [Topics.ChatAccepted],
        handleBatch: async (events) => {
          consumed.inc(events.length);
          const result = await this.delivery.persist(events.map((e) => e.value));
          stored.inc(result.stored);
          this.logger.debug(`batch of ${events.length}, ${result.stored} new, correlationIds=${events.map((e) => e.correlationId ?? '-').join(',')}`);
        },
      })
      .start();
  }
}
