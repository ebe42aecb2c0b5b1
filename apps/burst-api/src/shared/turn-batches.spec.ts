import { TurnBatches } from './turn-batches';

describe('TurnBatches', () => {
  it('runs the requests of one turn as one call per key, in order, and answers each', async () => {
    const calls: [string, number[]][] = [];
    const batches = new TurnBatches<number, string>(100, async (key, requests) => {
      calls.push([key, requests]);
      return requests.map((n) => `${key}:${n}`);
    });
    const answers = await Promise.all([batches.add('a', 1), batches.add('b', 2), batches.add('a', 3)]);
    expect(answers).toEqual(['a:1', 'b:2', 'a:3']);
    expect(calls).toEqual([
      ['a', [1, 3]],
      ['b', [2]],
    ]);
    // a later turn is another call
    expect(await batches.add('a', 4)).toBe('a:4');
    expect(calls).toHaveLength(3);
  });

  it('runs a full list at once, without waiting for the turn to end', async () => {
    const sizes: number[] = [];
    const batches = new TurnBatches<number, number>(2, async (_key, requests) => {
      sizes.push(requests.length);
      return requests;
    });
    const pending = [batches.add('a', 1), batches.add('a', 2)];
    expect(sizes).toEqual([2]);
    pending.push(batches.add('a', 3));
    expect(await Promise.all(pending)).toEqual([1, 2, 3]);
    expect(sizes).toEqual([2, 1]);
  });

  it("fails every request of a list when its call fails, and only that list's", async () => {
    const batches = new TurnBatches<number, number>(100, async (key, requests) => {
      if (key === 'bad') throw new Error('redis down');
      return requests;
    });
    const [bad, good] = await Promise.allSettled([batches.add('bad', 1), batches.add('good', 2)]);
    expect(bad).toMatchObject({ status: 'rejected', reason: new Error('redis down') });
    expect(good).toEqual({ status: 'fulfilled', value: 2 });
  });
});
