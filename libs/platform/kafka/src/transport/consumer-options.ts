import type { FactoryProvider, InjectionToken } from '@nestjs/common';
import type { GroupName, TopicName } from '@live/contracts';
import type { ConsumedEvent, ConsumerSpec } from '../event-consumer';
import { KafkaService } from '../kafka.service';

/** What a handler receives: one Kafka batch of one partition, parsed and validated. */
export type EventBatch<T extends TopicName> = ConsumedEvent<T>[];

/** The second argument of `@EventPattern(group, options)`: what the group reads and how. */
export type ConsumerOptions<T extends TopicName = TopicName> = Omit<ConsumerSpec<T>, 'groupId' | 'handleBatch'> & {
  /**
   * Every replica gets every event (state each process keeps for itself: the shows it carries,
   * a latest-value cache): the group becomes `<group>.<replica>`, one per process.
   */
  perReplica?: boolean;
};

/** Options only known at run time (from the app's config), merged over the decorator's. */
export type ConsumerTuning = Partial<Omit<ConsumerOptions, 'topics'>>;

export const consumerTuningToken = (group: GroupName): string => `kafka-consumer-tuning:${group}`;

/**
 * A provider of run-time options for one group, e.g. a fetch window from the app config:
 * `ConsumerTuningProvider(Groups.ChatDelivery, [AppConfig], (c: AppConfig) => ({ fetch: ... }))`.
 */
export function ConsumerTuningProvider<A extends unknown[]>(
  group: GroupName,
  inject: InjectionToken[],
  useFactory: (...deps: A) => ConsumerTuning,
): FactoryProvider<ConsumerTuning> {
  return {
    provide: consumerTuningToken(group),
    inject: [KafkaService, ...inject],
    // registered with the app's KafkaService, where the transport looks it up
    useFactory: (kafka: KafkaService, ...deps: unknown[]) => kafka.tune(group, (useFactory as (...d: unknown[]) => ConsumerTuning)(...deps)),
  };
}
