/** What reads a connection's frames: ws's WebSocket (the plain channel's, and under engine.io's websocket transport). */
export interface Reader {
  pause(): void;
  resume(): void;
  readonly isPaused: boolean;
}

/**
 * Backpressure for the socket channels: messages read and not answered yet, both channels
 * together. Reading every message as it comes would put whatever a client pipelines into the
 * heap. Past `max`, the connection that delivered a message is paused
 * (ws stops reading its TCP socket: the kernel holds what the viewer sends next, and TCP slows
 * the sender). Once answers bring the backlog down to half of `max`, paused connections are read
 * again, longest-paused first, as many as there is room for (see pump). Messages already read
 * are all answered; none is dropped. A connection readable in a turn still brings its message,
 * so with thousands of connections one message deep (a heart spike) a process holds up to
 * `max` plus about one message per connection.
 */
export class Backpressure {
  private inFlightNow = 0;
  private readonly paused: Reader[] = [];
  private pumping = false;

  constructor(
    private readonly max: number,
    /** each time a connection is paused (a metric) */
    private readonly onPause: () => void = () => undefined,
    /** runs `fn` after the next turn's I/O (setImmediate; a test may run it by hand) */
    private readonly later: (fn: () => void) => void = (fn) => setImmediate(fn),
  ) {}

  get inFlight(): number {
    return this.inFlightNow;
  }

  get pausedConnections(): number {
    return this.paused.length;
  }

  /** A message was read from `reader`'s connection (undefined: one that cannot be paused, counted all the same). */
  received(reader: Reader | undefined): void {
    if (++this.inFlightNow > this.max && reader && !reader.isPaused) {
      reader.pause();
      this.paused.push(reader);
      this.onPause();
    }
  }

  /** A message was answered. */
  answered(): void {
    this.inFlightNow--;
    this.schedule();
  }

  private schedule(): void {
    if (this.paused.length > 0 && !this.pumping && this.inFlightNow <= this.max >> 1) {
      this.pumping = true;
      this.later(this.pump);
    }
  }

  /**
   * Reads again as many paused connections as the bound has room for: each delivers at least a
   * message (resuming them all at once let thousands in together, and the bound held nothing).
   * Their data comes in the next turn's poll, after which this runs again, until none is paused
   * or the room is gone (then the next answer schedules it): a connection with nothing more to
   * send strands none behind it.
   */
  private readonly pump = (): void => {
    this.pumping = false;
    const room = this.max - this.inFlightNow;
    if (room > 0) for (const reader of this.paused.splice(0, room)) reader.resume();
    this.schedule();
  };
}
