import { TopicName } from './topics';

/**
 * Production sizing of the topics: k8s/kafka/topics.yaml (Strimzi KafkaTopics) is generated
 * from this and `allTopics()` by `nx run contracts:k8s-topics`, and a test fails when it
 * drifts. Partitions bound the consumers that can share a topic (the most replicas an
 * autoscaler can usefully add to a consumer group). A topic left out gets the default.
 */
export const DEFAULT_TOPIC_PARTITIONS = 3;

export const TopicPartitions: Partial<Record<TopicName, number>> = {
  // the hot paths of a flash sale: chat lines, hearts, claims, votes
  'chat.message.accepted.v1': 24,
  'burst.hearts.tapped.v1': 24,
  'burst.hearts.tapped.v2': 24,
  'burst.coupon.claimed.v1': 12,
  'burst.poll.voted.v1': 12,
  'presence.viewer.changed.v1': 12,
  'chat.window.sampled.v1': 6,
};

/** Dead letters are rare and read by people: one partition, kept longer. */
export const DEAD_LETTER_PARTITIONS = 1;
export const TOPIC_RETENTION_MS = 7 * 24 * 3600_000;
export const DEAD_LETTER_RETENTION_MS = 28 * 24 * 3600_000;

export const topicPartitions = (topic: TopicName): number => TopicPartitions[topic] ?? DEFAULT_TOPIC_PARTITIONS;
