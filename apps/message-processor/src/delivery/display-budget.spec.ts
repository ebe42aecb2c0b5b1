import { DisplayBudget } from './display-budget';

const viewer = (userId: string) => ({ userId, roles: ['viewer'] as const });
const seller = { userId: 'seller', roles: ['seller'] as const };

describe('DisplayBudget', () => {
  it('shows everything under the budget', () => {
    const b = new DisplayBudget();
    expect(b.select('s', 30, [viewer('a'), viewer('b')], 0)).toEqual([true, true]);
  });

  it('caps a window at the budget and always shows priority lines', () => {
    const b = new DisplayBudget();
    const lines = [...Array.from({ length: 50 }, (_, i) => viewer(`u${i}`)), seller, seller];
    const shown = b.select('s', 30, lines, 0);
    expect(shown.filter(Boolean)).toHaveLength(30);
    expect(shown.slice(-2)).toEqual([true, true]);
    // no tokens left: only the priority line gets through in the next instant
    expect(b.select('s', 30, [viewer('x'), seller], 0)).toEqual([false, true]);
    // a second later the bucket is full again
    expect(b.select('s', 30, [viewer('x')], 1000)).toEqual([true]);
  });

  it('shares the budget fairly between users', () => {
    const b = new DisplayBudget(() => 0.5);
    const spam = Array.from({ length: 20 }, () => viewer('spammer'));
    const lines = [...spam, viewer('alice'), viewer('bob')];
    const shown = b.select('s', 3, lines, 0);
    const picked = lines.filter((_, i) => shown[i]).map((l) => l.userId);
    expect(picked).toHaveLength(3);
    expect(new Set(picked)).toEqual(new Set(['spammer', 'alice', 'bob']));
  });

  it('keeps shows apart', () => {
    const b = new DisplayBudget();
    b.select('a', 1, [viewer('x')], 0);
    expect(b.select('b', 1, [viewer('y')], 0)).toEqual([true]);
  });

  it('forgets shows gone quiet, and a forgotten show decides as if its bucket were kept', () => {
    const kept = new DisplayBudget(() => 0.5);
    const swept = new DisplayBudget(() => 0.5);
    const lines = Array.from({ length: 40 }, (_, i) => viewer(`u${i}`));
    for (const b of [kept, swept]) {
      b.select('quiet', 30, lines, 0);
      b.select('busy', 30, lines, 0);
    }
    swept.select('busy', 30, lines, 20_000);
    expect(swept.sweep(20_000, 10_000)).toBe(1);
    expect(swept.size).toBe(1);
    // 30 s later the quiet show comes back: same flags with or without its old bucket
    expect(swept.select('quiet', 30, lines, 30_000)).toEqual(kept.select('quiet', 30, lines, 30_000));
  });
});

