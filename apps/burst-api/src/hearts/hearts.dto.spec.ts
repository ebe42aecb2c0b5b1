import { HeartBatchDto, parseHeartBatch } from './hearts.dto';

// The socket channel's hand-written check must answer as the HTTP DTO does.
describe('parseHeartBatch', () => {
  const cases: unknown[] = [
    { batchId: 'b-1', taps: [0, 100, 100] },
    { batchId: 'a.b:c_d-9', taps: [5] },
    { taps: [1] },
    { batchId: 7, taps: [1] },
    { batchId: '', taps: [1] },
    { batchId: 'x'.repeat(65), taps: [1] },
    { batchId: 'has space', taps: [1] },
    { batchId: 'a', taps: [] },
    { batchId: 'a', taps: 'many' },
    { batchId: 'a', taps: [1.5] },
    { batchId: 'a', taps: [-1] },
    { batchId: 'a', taps: ['1'] },
    { batchId: 'a', taps: [1], extra: 1 },
  ];

  it.each(cases)('agrees with HeartBatchDto on %j', (body) => {
    const zod = HeartBatchDto.safeParse(body);
    const mine = parseHeartBatch(body);
    expect(mine.ok).toBe(zod.success);
    if (zod.success && mine.ok) expect(mine.value).toEqual(zod.data);
    if (!zod.success && !mine.ok) {
      const issue = zod.error.issues[0];
      expect(mine.field).toBe(issue.code === 'unrecognized_keys' ? issue.keys[0] : issue.path.join('.'));
      expect(mine.message).toBe(issue.code === 'unrecognized_keys' ? mine.message : issue.message);
    }
  });

  it('takes one more key when told to, and only that one', () => {
    expect(parseHeartBatch({ broadcastId: 's-1', batchId: 'b', taps: [1] }, 'broadcastId')).toEqual({ ok: true, value: { batchId: 'b', taps: [1] } });
    expect(parseHeartBatch({ broadcastId: 's-1', batchId: 'b', taps: [1] })).toMatchObject({ ok: false, field: 'broadcastId' });
    expect(parseHeartBatch({ broadcastId: 's-1', batchId: 'b', taps: [1], pollId: 'p' }, 'broadcastId')).toMatchObject({ ok: false, field: 'pollId' });
  });

  it('refuses what is not an object', () => {
    for (const body of [null, [], 'x', 3]) expect(parseHeartBatch(body)).toMatchObject({ ok: false, field: 'body' });
  });
});
