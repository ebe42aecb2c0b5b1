/**
 * Collects requests per key during one turn of the event loop and runs each key's list as one
 * call (on setImmediate, or at once when a key's list reaches `max`): how a show's heart batches
 * and a coupon's claims come to share one Redis script call. `run` answers the list in order,
 * one result per request; if it fails, every request of the list fails with its error.
 */
export class TurnBatches<T, R> {
  private lists = new Map<string, { request: T; resolve: (result: R) => void; reject: (err: unknown) => void }[]>();
  private timer: NodeJS.Immediate | undefined;

  constructor(
    private readonly max: number,
    private readonly run: (key: string, requests: T[]) => Promise<R[]>,
  ) {}

  add(key: string, request: T): Promise<R> {
    return new Promise((resolve, reject) => {
      let list = this.lists.get(key);
      if (!list) this.lists.set(key, (list = []));
      list.push({ request, resolve, reject });
      if (list.length >= this.max) {
        this.lists.delete(key);
        this.take(key, list);
      } else {
        this.timer ??= setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.timer = undefined;
    const lists = this.lists;
    this.lists = new Map();
    for (const [key, list] of lists) this.take(key, list);
  }

  private take(key: string, list: { request: T; resolve: (result: R) => void; reject: (err: unknown) => void }[]): void {
    let running: Promise<R[]>;
    try {
      running = this.run(
        key,
        list.map((e) => e.request),
      );
    } catch (err) {
      running = Promise.reject(err);
    }
    running.then(
      (results) => list.forEach((e, i) => e.resolve(results[i])),
      (err: unknown) => list.forEach((e) => e.reject(err)),
    );
  }
}
