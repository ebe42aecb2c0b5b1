import type { Message, Producer } from 'kafkajs';

interface Pending {
  topic: string;
  messages: Message[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for an idempotent producer: one produce request in flight at a time (so
 * retries cannot reorder), and everything published meanwhile leaves together in the next
 * request. Under load each round trip carries many callers' records; when idle a record
 * leaves at once (no linger).
 *
 * `background` records (a log nobody waits on, such as the hearts log) fill what room the
 * next request has after the others: a claim whose answer waits on its record must not queue
 * behind thousands of heart batches. Order holds within each kind; a topic sends all its
 * records as one kind or the other.
 */
export class GroupCommitSender {
  private queue: Pending[] = [];
  private background: Pending[] = [];
  private sending = false;

  constructor(
    private readonly producer: Producer,
    private readonly maxRecordsPerRequest = 2_000,
  ) {}

  send(topic: string, messages: Message[], { background = false } = {}): Promise<void> {
    return new Promise((resolve, reject) => {
      (background ? this.background : this.queue).push({ topic, messages, resolve, reject });
      if (!this.sending) void this.loop();
    });
  }

  /** The next request's callers: the waiting ones first, then background ones while there is room. */
  private next(): Pending[] {
    const batch: Pending[] = [];
    let records = 0;
    for (const queue of [this.queue, this.background]) {
      let taken = 0;
      while (taken < queue.length && (batch.length === 0 || records + queue[taken].messages.length <= this.maxRecordsPerRequest)) {
        batch.push(queue[taken]);
        records += queue[taken].messages.length;
        taken += 1;
      }
      queue.splice(0, taken);
    }
    return batch;
  }

  private async loop(): Promise<void> {
    this.sending = true;
    try {
      while (this.queue.length > 0 || this.background.length > 0) {
        const batch = this.next();
        const byTopic = new Map<string, Message[]>();
        for (const p of batch) {
          const list = byTopic.get(p.topic) ?? byTopic.set(p.topic, []).get(p.topic)!;
          for (const m of p.messages) list.push(m);
        }
        try {
          await this.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
          batch.forEach((p) => p.resolve());
        } catch (err) {
          batch.forEach((p) => p.reject(err));
        }
      }
    } finally {
      this.sending = false;
    }
  }
}
