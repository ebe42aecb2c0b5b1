import { heartsEventId, unloggedAt, unloggedEvent, unloggedField, unloggedTail } from './hearts-log';

describe('hearts log records', () => {
  it('rebuilds a counted batch from what the counting script keeps', () => {
    const field = unloggedField('user/with/slashes', 'batch-1');
    const value = `42|${unloggedTail(1_700_000_000_000, [100, 250, 250])}`;
    expect(unloggedEvent('show-1', field, value)).toEqual({
      eventId: heartsEventId('show-1', 'user/with/slashes', 'batch-1'),
      occurredAt: new Date(1_700_000_000_000).toISOString(),
      broadcastId: 'show-1',
      userId: 'user/with/slashes',
      batchId: 'batch-1',
      taps: [100, 250, 250],
      totalAfter: 42,
    });
    expect(unloggedAt(value)).toBe(1_700_000_000_000);
  });

  it('gives the same batch the same event id, and another batch another', () => {
    expect(heartsEventId('s', 'u', 'b')).toBe(heartsEventId('s', 'u', 'b'));
    expect(heartsEventId('s', 'u', 'b')).not.toBe(heartsEventId('s', 'u', 'c'));
    expect(heartsEventId('s', 'u', 'b')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
