import { PRIORITY_ROLES, Role } from '@live/contracts';

export interface BudgetLine {
  userId: string;
  roles: readonly Role[];
}

/**
 * How many lines a room shows per second. Each show has a token bucket (capacity: one
 * second of budget). Lines of sellers, moderators, operators and admins are always shown
 * (they spend tokens, and may overdraw them); the rest share what is left, picked fairly:
 * round-robin over the users of the window in random order, so one fast typist cannot
 * crowd out everyone else.
 */
export class DisplayBudget {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly random: () => number = Math.random) {}

  /** One flag per line, in order: shown or left out. */
  select(broadcastId: string, perSecond: number, lines: readonly BudgetLine[], now = Date.now()): boolean[] {
    const bucket = this.buckets.get(broadcastId) ?? { tokens: perSecond, at: now };
    bucket.tokens = Math.min(perSecond, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;

    const shown = lines.map((l) => l.roles.some((r) => PRIORITY_ROLES.includes(r)));
    bucket.tokens -= shown.filter(Boolean).length;

    const byUser = new Map<string, number[]>();
    lines.forEach((l, i) => {
      if (!shown[i]) (byUser.get(l.userId) ?? byUser.set(l.userId, []).get(l.userId)!).push(i);
    });
    let room = Math.max(0, Math.floor(bucket.tokens));
    const queues = this.shuffle([...byUser.values()]);
    while (room > 0 && queues.some((q) => q.length > 0)) {
      for (const q of queues) {
        if (room === 0) break;
        const i = q.shift();
        if (i === undefined) continue;
        shown[i] = true;
        room -= 1;
        bucket.tokens -= 1;
      }
    }
    // an overdraft by priority lines is paid back over at most one second
    bucket.tokens = Math.max(bucket.tokens, -perSecond);
    this.buckets.set(broadcastId, bucket);
    return shown;
  }

  /**
   * Drops the buckets of shows idle for longer than `idleMs`: a bucket untouched for a second
   * is full again, exactly what a new one would be, so forgetting it changes no decision.
   */
  sweep(now = Date.now(), idleMs = 10_000): number {
    let dropped = 0;
    for (const [broadcastId, bucket] of this.buckets) {
      if (now - bucket.at > idleMs) {
        this.buckets.delete(broadcastId);
        dropped += 1;
      }
    }
    return dropped;
  }

  get size(): number {
    return this.buckets.size;
  }

  private shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}
