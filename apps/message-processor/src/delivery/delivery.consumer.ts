import { Controller, Logger } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Groups, Topics } from '@live/contracts';
import { ConsumerTuningProvider, EventBatch } from '@live/kafka';
import { MetricsService } from '@live/metrics';
import { AppConfig } from '../app.config';
import { DeliveryService } from './delivery.service';

/** a chat line's Kafka record, headers and batch overhead included, roughly */
const RECORD_BYTES = 512;

/**
 * The window: the broker holds the fetch until CHAT_WINDOW_MS has passed or about
 * CHAT_WINDOW_MAX_LINES lines are there, whichever comes first (minBytes counts bytes, so
 * lines are estimated at RECORD_BYTES each; the service splits exactly at the line count).
 */
export const deliveryWindow = ConsumerTuningProvider(Groups.ChatDelivery, [AppConfig], (c: AppConfig) => ({
  fetch: c.CHAT_BATCHING ? { minBytes: c.CHAT_WINDOW_MAX_LINES * RECORD_BYTES, maxWaitTimeInMs: c.CHAT_WINDOW_MS } : { maxWaitTimeInMs: c.CHAT_WINDOW_MS },
}));

/** Kafka entry: the transport parses and validates; the service does the work. */
@Controller()
export class DeliveryConsumer {
  private readonly logger = new Logger(DeliveryConsumer.name);
  private readonly stored;
  private readonly consumed;

  constructor(
    private readonly delivery: DeliveryService,
    metrics: MetricsService,
  ) {
    this.stored = metrics.counter('chat_messages_stored_total', 'chat messages newly persisted');
    this.consumed = metrics.counter('chat_messages_consumed_total', 'chat messages read from Kafka');
  }

  @EventPattern(Groups.ChatDelivery, { topics: [Topics.ChatAccepted] })
  async handle(batch: EventBatch<typeof Topics.ChatAccepted>): Promise<void> {
    this.consumed.inc(batch.length);
    const result = await this.delivery.deliver(batch.map((e) => e.value));
    this.stored.inc(result.stored);
    this.logger.debug(`window of ${batch.length}: ${result.stored} new, ${result.shown} shown, ${result.suppressed} suppressed`);
  }
}
