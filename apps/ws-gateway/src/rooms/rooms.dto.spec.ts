import { JoinRequest, invalid } from './rooms.dto';

describe('JoinRequest', () => {
  it('takes a broadcast id and an optional resync cursor', () => {
    expect(JoinRequest.parse({ broadcastId: 'b-1', lastSeq: '1700000000000-3' })).toEqual({ broadcastId: 'b-1', lastSeq: '1700000000000-3' });
  });

  it.each([
    [{}, 'broadcastId'],
    [{ broadcastId: 'a b' }, 'broadcastId'],
    [{ broadcastId: 'x'.repeat(65) }, 'broadcastId'],
    [{ broadcastId: 'ok', lastSeq: 'yesterday' }, 'lastSeq'],
    [{ broadcastId: 'ok', extra: 1 }, 'payload'],
    ['join me', 'payload'],
  ])('refuses %j naming %s', (payload, field) => {
    const r = JoinRequest.safeParse(payload);
    expect(r.success).toBe(false);
    if (!r.success) expect(invalid(r.error.issues[0])).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', field });
  });
});
