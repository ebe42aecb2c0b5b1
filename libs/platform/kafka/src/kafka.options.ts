export interface KafkaOptions {
  clientId: string;
  brokers: string[];
  /** prepended to every topic and group name (test-run isolation); '' in dev and prod */
  topicPrefix: string;
  defaultPartitions: number;
  /** partition count per logical topic, overriding defaultPartitions */
  partitions: Record<string, number>;
  publishTimeoutMs: number;
  /** create the contract topics (and their .dlt) at start-up */
  ensureTopics: boolean;
}

export const KAFKA_OPTIONS = Symbol('KAFKA_OPTIONS');
