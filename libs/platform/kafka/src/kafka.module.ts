import { DynamicModule, Global, Module } from '@nestjs/common';
import { parseCountMap } from '@live/config';
import { KAFKA_OPTIONS, KafkaOptions } from './kafka.options';
import { KafkaService } from './kafka.service';

export interface KafkaEnvConfig {
  KAFKA_BROKERS: string;
  KAFKA_TOPIC_PREFIX: string;
  KAFKA_DEFAULT_PARTITIONS: number;
  KAFKA_TOPIC_PARTITIONS: string;
  KAFKA_PUBLISH_TIMEOUT_MS: number;
}

export function kafkaOptionsFromEnv(clientId: string, env: KafkaEnvConfig): KafkaOptions {
  return {
    clientId,
    brokers: env.KAFKA_BROKERS.split(','),
    topicPrefix: env.KAFKA_TOPIC_PREFIX,
    defaultPartitions: env.KAFKA_DEFAULT_PARTITIONS,
    partitions: parseCountMap(env.KAFKA_TOPIC_PARTITIONS),
    publishTimeoutMs: env.KAFKA_PUBLISH_TIMEOUT_MS,
    ensureTopics: true,
  };
}

@Global()
@Module({})
export class KafkaModule {
  static forRoot(options: KafkaOptions): DynamicModule {
    return {
      module: KafkaModule,
      providers: [{ provide: KAFKA_OPTIONS, useValue: options }, KafkaService],
      exports: [KafkaService],
    };
  }
}
