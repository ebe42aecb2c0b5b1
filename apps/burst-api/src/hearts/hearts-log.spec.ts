import { HeartsTappedV2, MAX_HEART_BATCHES_PER_RECORD, heartBatchesOf } from '@live/contracts';
import { heartsEventId, heartsRecords, unloggedBatch, unloggedBucket, unloggedField } from './hearts-log';

const batch = (i: number) => ({ eventId: heartsEventId('show-1', `u${i}`, 'b'), occurredAt: new Date(1_700_000_000_000).toISOString(), userId: `u${i}`, batchId: 'b', taps: [i], totalAfter: i + 1 });

describe('hearts log records', () => {
  it('rebuilds a counted batch from what the counting script keeps', () => {
    const field = unloggedField('user/with/slashes', 'batch-1');
    const value = '42|1700000000123|100,250,250';
    expect(unloggedBatch('show-1', field, value)).toEqual({
      eventId: heartsEventId('show-1', 'user/with/slashes', 'batch-1'),
      occurredAt: new Date(1_700_000_000_123).toISOString(),
      userId: 'user/with/slashes',
      batchId: 'batch-1',
      taps: [100, 250, 250],
      totalAfter: 42,
    });
  });

  it('keeps a batch in the hash of the second it was counted in, found again from its logged time', () => {
    expect(unloggedBucket(1_700_000_000_000)).toBe(1_700_000_000);
    expect(unloggedBucket(1_700_000_000_999)).toBe(1_700_000_000);
    expect(unloggedBucket(1_700_000_001_000)).toBe(1_700_000_001);
    // what the log deletes by: the time the batch carries, rebuilt or fresh
    const rebuilt = unloggedBatch('show-1', unloggedField('u', 'b'), '1|1700000000999|5');
    expect(unloggedBucket(Date.parse(rebuilt.occurredAt))).toBe(1_700_000_000);
  });

  it('gives the same batch the same event id, and another batch another', () => {
    expect(heartsEventId('s', 'u', 'b')).toBe(heartsEventId('s', 'u', 'b'));
    expect(heartsEventId('s', 'u', 'b')).not.toBe(heartsEventId('s', 'u', 'c'));
    expect(heartsEventId('s', 'u', 'b')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('puts a show batches in valid v2 records of at most the limit, in order, each batch once', () => {
    const batches = Array.from({ length: MAX_HEART_BATCHES_PER_RECORD * 2 + 1 }, (_, i) => batch(i));
    const records = heartsRecords('show-1', batches);
    expect(records.map((r) => r.batches.length)).toEqual([MAX_HEART_BATCHES_PER_RECORD, MAX_HEART_BATCHES_PER_RECORD, 1]);
    for (const r of records) expect(HeartsTappedV2.safeParse(r).success).toBe(true);
    expect(new Set(records.map((r) => r.eventId)).size).toBe(3);
    // what consumers count: v1's per-batch events, the show restored
    const events = records.flatMap(heartBatchesOf);
    expect(events.map((e) => e.userId)).toEqual(batches.map((b) => b.userId));
    expect(events[7]).toEqual({ ...batches[7], broadcastId: 'show-1' });
  });

  it('refuses a v2 record over the limit or without batches', () => {
    const record = heartsRecords('show-1', [batch(0)])[0];
    expect(HeartsTappedV2.safeParse({ ...record, batches: [] }).success).toBe(false);
    expect(HeartsTappedV2.safeParse({ ...record, batches: Array.from({ length: MAX_HEART_BATCHES_PER_RECORD + 1 }, (_, i) => batch(i)) }).success).toBe(false);
  });
});
