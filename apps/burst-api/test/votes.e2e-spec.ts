import { randomUUID } from 'node:crypto';
import { waitFor } from '@live/testing';
import { BurstStack } from './burst-stack';

// Poll votes on the real stack: one per viewer, only while the poll is open; viewers see the
// tally as aggregated poll.tally pushes.
describe('poll votes', () => {
  const stack = new BurstStack();
  beforeAll(() => stack.start());
  afterAll(() => stack.stop());
  const voter = (userId: string) => stack.as(userId);

  it('takes one vote per viewer while open and pushes the tally', async () => {
    const show = (await stack.seller.post('/v1/broadcasts', { title: 'vote', scheduledAt: new Date().toISOString() })).body.id;
    await stack.seller.post(`/v1/broadcasts/${show}/start`);
    const poll = (await stack.seller.post(`/v1/broadcasts/${show}/polls`, { question: 'Colour?', options: ['Red', 'Blue', 'Green'] })).body.id;
    const path = `/v1/broadcasts/${show}/polls/${poll}/votes`;
    const v = stack.viewer();
    await waitFor('joined', async () => (await v.join(show)).ok);

    const draft = await voter('early').post(path, { option: 0 });
    expect(draft.status).toBe(409);
    expect(draft.body.code).toBe('POLL_NOT_OPEN');

    await stack.seller.post(`/v1/broadcasts/${show}/polls/${poll}/open`);
    await waitFor('poll open in burst-api', async () => (await voter('probe').post(path, { option: 2 })).status === 201);
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => voter(`voter-${i}`).post(path, { option: i % 2 })));
    expect(results.every((r) => r.status === 201)).toBe(true);
    const twice = await voter('voter-0').post(path, { option: 1 });
    expect(twice.body).toMatchObject({ code: 'ALREADY_VOTED', field: 'pollId' });
    expect((await voter('x').post(path, { option: 3 })).body.field).toBe('option');
    expect((await voter('x').post(path, { option: 'red' })).body.field).toBe('option');
    expect((await voter('x').post(path, { option: 0, extra: true })).body.field).toBe('extra');

    const tally = await v.waitForEvent('poll.tally', (t) => t.pollId === poll && t.votes.join() === '30,30,1');
    expect(tally.votes).toEqual([30, 30, 1]);
    expect(v.events('poll.tally').filter((t) => t.pollId === poll).length).toBeLessThan(61);

    await stack.seller.post(`/v1/broadcasts/${show}/polls/${poll}/close`);
    await waitFor('closed in burst-api', async () => (await voter(`late-${randomUUID()}`).post(path, { option: 0 })).body.code === 'POLL_NOT_OPEN');
  });
});
