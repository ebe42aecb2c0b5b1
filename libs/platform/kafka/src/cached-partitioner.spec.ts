import { PartitionMetadata, Partitioners } from 'kafkajs';
import { CachedPartitioner } from './cached-partitioner';

const partitions = (n: number): PartitionMetadata[] =>
  Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0, offlineReplicas: [] }));

describe('CachedPartitioner', () => {
  const keys = Array.from({ length: 200 }, (_, i) => `show-${i}`);

  it("answers what kafkajs' default partitioner answers, the first time and from memory", () => {
    const cached = CachedPartitioner();
    const plain = Partitioners.DefaultPartitioner();
    for (const round of [1, 2]) {
      for (const key of keys) {
        const args = { topic: 't', partitionMetadata: partitions(6), message: { key, value: `${round}` } };
        expect(cached(args)).toBe(plain(args));
      }
    }
    // the keys do not all land on one partition (the test would prove nothing)
    expect(new Set(keys.map((key) => plain({ topic: 't', partitionMetadata: partitions(6), message: { key, value: '' } }))).size).toBe(6);
  });

  it('hashes again when the topic gains partitions', () => {
    const cached = CachedPartitioner();
    const plain = Partitioners.DefaultPartitioner();
    for (const key of keys) cached({ topic: 't', partitionMetadata: partitions(3), message: { key, value: '' } });
    for (const key of keys) {
      const args = { topic: 't', partitionMetadata: partitions(12), message: { key, value: '' } };
      expect(cached(args)).toBe(plain(args));
    }
  });

  it('leaves a record with its own partition, or without a key, to the default rule', () => {
    const cached = CachedPartitioner();
    expect(cached({ topic: 't', partitionMetadata: partitions(6), message: { key: 'k', partition: 4, value: '' } })).toBe(4);
    const spread = new Set(Array.from({ length: 30 }, () => cached({ topic: 't', partitionMetadata: partitions(6), message: { value: '' } })));
    expect(spread.size).toBeGreaterThan(1);
  });
});
