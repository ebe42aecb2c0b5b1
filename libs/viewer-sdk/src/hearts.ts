/**
 * Heart taps, the LINE LIVE way: the app never sends one request per tap. Taps are buffered
 * for a window and leave as one batch `{ batchId, taps: [videoMs, ...] }`; a batch keeps its
 * id across retries, so burst-api counts it once however often it is sent.
 *
 * burst-api refuses a batch with more than `maxTapsPerSecond` taps per second of its span
 * (at most 60): a fast tapper's surplus waits for the next window instead of being refused,
 * so every real tap is counted, just a little later. Past `maxPendingTaps` taps are dropped.
 */
export interface HeartBatch {
  batchId: string;
  taps: number[];
}

export interface HeartBufferOptions {
  maxTapsPerSecond: number;
  maxTapsPerBatch: number;
  maxPendingTaps: number;
}

export class HeartBuffer {
  private pending: number[] = [];
  dropped = 0;

  constructor(private readonly options: HeartBufferOptions) {}

  get size(): number {
    return this.pending.length;
  }

  /** One tap at a video position (ms); false if the buffer is full and the tap was dropped. */
  tap(videoMs: number): boolean {
    if (this.pending.length >= this.options.maxPendingTaps) {
      this.dropped += 1;
      return false;
    }
    // positions must not go backwards within a batch (a seek back, a clock step)
    const last = this.pending[this.pending.length - 1];
    this.pending.push(Math.max(Math.round(videoMs), last ?? 0, 0));
    return true;
  }

  /** Forgets what is pending (leaving a show); counted as dropped. */
  clear(): void {
    this.dropped += this.pending.length;
    this.pending = [];
  }

  /** The longest plausible prefix of what is pending, taken out of the buffer. */
  take(newId: () => string): HeartBatch | null {
    if (this.pending.length === 0) return null;
    const { maxTapsPerSecond, maxTapsPerBatch } = this.options;
    let n = Math.min(this.pending.length, maxTapsPerBatch);
    while (n > 1) {
      const spanSeconds = Math.max(1, Math.ceil((this.pending[n - 1] - this.pending[0]) / 1000));
      if (n <= spanSeconds * maxTapsPerSecond) break;
      n -= 1;
    }
    return { batchId: newId(), taps: this.pending.splice(0, n) };
  }
}
