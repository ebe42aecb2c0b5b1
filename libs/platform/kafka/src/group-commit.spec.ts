import type { Producer } from 'kafkajs';
import { GroupCommitSender } from './group-commit';

describe('GroupCommitSender', () => {
  function fakeProducer() {
    const requests: { topic: string; values: string[] }[][] = [];
    let release: () => void = () => undefined;
    const producer = {
      sendBatch: jest.fn(async ({ topicMessages }: { topicMessages: { topic: string; messages: { value: string }[] }[] }) => {
        requests.push(topicMessages.map((t) => ({ topic: t.topic, values: t.messages.map((m) => m.value) })));
        await new Promise<void>((r) => (release = r));
      }),
    } as unknown as Producer;
    return { producer, requests, release: () => release() };
  }

  it('sends at once when idle and groups what arrives during a request, in order', async () => {
    const { producer, requests, release } = fakeProducer();
    const sender = new GroupCommitSender(producer);
    const first = sender.send('t', [{ value: '1' }]);
    const later = [sender.send('t', [{ value: '2' }]), sender.send('u', [{ value: 'x' }]), sender.send('t', [{ value: '3' }])];
    expect(requests).toHaveLength(1);
    release();
    await first;
    await new Promise((r) => setImmediate(r));
    expect(requests[1]).toEqual([
      { topic: 't', values: ['2', '3'] },
      { topic: 'u', values: ['x'] },
    ]);
    release();
    await Promise.all(later);
  });

  it('puts waiting callers ahead of background records, which fill the room left', async () => {
    const { producer, requests, release } = fakeProducer();
    const sender = new GroupCommitSender(producer, 3);
    const first = sender.send('log', [{ value: 'h0' }], { background: true });
    const logged = [sender.send('log', [{ value: 'h1' }, { value: 'h2' }], { background: true }), sender.send('log', [{ value: 'h3' }], { background: true })];
    const claim = sender.send('claims', [{ value: 'c1' }]);
    release();
    await first;
    await new Promise((r) => setImmediate(r));
    // the claim leaves first although it came last; the log's records follow in their order
    expect(requests[1]).toEqual([
      { topic: 'claims', values: ['c1'] },
      { topic: 'log', values: ['h1', 'h2'] },
    ]);
    release();
    await claim;
    await new Promise((r) => setImmediate(r));
    expect(requests[2]).toEqual([{ topic: 'log', values: ['h3'] }]);
    release();
    await Promise.all(logged);
  });

  it('counts the room in bytes as well: a request never carries more than the bound, except one caller alone', async () => {
    const { producer, requests, release } = fakeProducer();
    const sender = new GroupCommitSender(producer, 2_000, 10);
    const first = sender.send('log', [{ value: 'aaaa' }], { background: true });
    const rest = [
      sender.send('log', [{ value: 'bbbb' }], { background: true }),
      sender.send('log', [{ key: 'k', value: 'ccccc' }], { background: true }),
      sender.send('log', [{ value: 'd'.repeat(20) }], { background: true }),
      sender.send('claims', [{ value: 'c1' }]),
    ];
    release();
    await first;
    await new Promise((r) => setImmediate(r));
    // the claim (2 bytes) first, then what fits in the 8 left: 'bbbb'; 'k' + 'ccccc' would make 12
    expect(requests[1]).toEqual([
      { topic: 'claims', values: ['c1'] },
      { topic: 'log', values: ['bbbb'] },
    ]);
    release();
    await new Promise((r) => setImmediate(r));
    expect(requests[2]).toEqual([{ topic: 'log', values: ['ccccc'] }]);
    release();
    await new Promise((r) => setImmediate(r));
    // larger than the bound alone: it still goes, by itself
    expect(requests[3]).toEqual([{ topic: 'log', values: ['d'.repeat(20)] }]);
    release();
    await Promise.all(rest);
  });

  it('fails every caller of a failed request, and carries on with the next', async () => {
    let calls = 0;
    const producer = {
      sendBatch: async () => {
        calls += 1;
        if (calls === 1) throw new Error('broker down');
      },
    } as unknown as Producer;
    const sender = new GroupCommitSender(producer);
    await expect(sender.send('t', [{ value: '1' }])).rejects.toThrow('broker down');
    await expect(sender.send('t', [{ value: '2' }])).resolves.toBeUndefined();
  });
});
