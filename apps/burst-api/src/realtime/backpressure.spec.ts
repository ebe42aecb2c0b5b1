import { Backpressure, Reader } from './backpressure';

/** A connection holding `queued` messages the server has not read yet. */
class FakeReader implements Reader {
  isPaused = false;
  constructor(public queued: number) {}
  pause() {
    this.isPaused = true;
  }
  resume() {
    this.isPaused = false;
  }
}

// The event loop by hand: `later` queues the pump; a turn reads what unpaused readers hold
// (their poll), then runs the queued pump (its check phase).
function harness(max: number) {
  const jobs: (() => void)[] = [];
  let pauses = 0;
  const bp = new Backpressure(max, () => pauses++, (fn) => jobs.push(fn));
  let unanswered = 0;
  const turn = (readers: FakeReader[]) => {
    for (const r of readers) {
      while (r.queued > 0 && !r.isPaused) {
        r.queued--;
        unanswered++;
        bp.received(r);
      }
    }
    jobs.splice(0).forEach((fn) => fn());
  };
  const answer = (n = unanswered) => {
    for (let i = 0; i < n; i++, unanswered--) bp.answered();
  };
  return { bp, turn, answer, pauses: () => pauses };
}

describe('Backpressure', () => {
  it('pauses each connection that delivers a message past the bound', () => {
    const { bp, turn, pauses } = harness(2);
    const readers = [1, 1, 1, 1].map((n) => new FakeReader(n));
    turn(readers);
    expect(readers.map((r) => r.isPaused)).toEqual([false, false, true, true]);
    expect(bp.inFlight).toBe(4);
    expect(bp.pausedConnections).toBe(2);
    expect(pauses()).toBe(2);
  });

  it('reads again no more connections than the bound has room for', () => {
    const { bp, turn, answer } = harness(4);
    const readers = Array.from({ length: 10 }, () => new FakeReader(2));
    turn(readers);
    expect(bp.pausedConnections).toBe(8); // the first two delivered the 4 the bound allows
    answer();
    turn(readers); // the pump resumes 4, longest-paused first
    expect(readers.filter((r) => !r.isPaused)).toHaveLength(6);
    expect(bp.pausedConnections).toBe(4);
  });

  it('strands no connection behind ones with nothing more to send', () => {
    const { bp, turn, answer } = harness(2);
    const readers = Array.from({ length: 40 }, () => new FakeReader(1)); // each sent its only message
    turn(readers);
    expect(bp.pausedConnections).toBe(38);
    answer();
    for (let i = 0; i < 40 && bp.pausedConnections > 0; i++) turn(readers);
    expect(bp.pausedConnections).toBe(0);
    expect(readers.every((r) => !r.isPaused)).toBe(true);
    expect(bp.inFlight).toBe(0);
  });

  it('reads every message of a long backlog in the end, each connection read again at most one past the bound', () => {
    const { bp, turn, answer } = harness(8);
    const readers = Array.from({ length: 50 }, () => new FakeReader(5));
    turn(readers);
    let peak = 0;
    for (let i = 0; i < 1_000 && readers.some((r) => r.queued > 0); i++) {
      answer();
      turn(readers);
      peak = Math.max(peak, bp.inFlight);
    }
    answer();
    expect(readers.every((r) => r.queued === 0)).toBe(true);
    // the pump resumes at most the room left (<= 8 connections), each paused again at its first message past 8
    expect(peak).toBeLessThanOrEqual(16);
    expect(bp.inFlight).toBe(0);
  });
});
