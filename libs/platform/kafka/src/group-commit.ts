import type { Message, Producer } from 'kafkajs';

interface Pending {
  topic: string;
  messages: Message[];
  /** the messages' keys, values and headers, in bytes */
  bytes: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * The most a produce request carries, in bytes of keys, values and headers. The broker refuses a
 * partition's record batch past its `message.max.bytes` (1,048,588 by default), and then the whole
 * request fails, every caller in it. A show's heart log goes to one partition: in a spike, merged
 * background requests reached several MB and failed, and took the claims riding with them.
 * 900,000 leaves room for the batch's and records' own headers under the default.
 */
export const MAX_BYTES_PER_REQUEST = 900_000;

const size = (v: Message['key'] | Message['value']): number => (v == null ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.length);

function bytesOf(messages: Message[]): number {
  let bytes = 0;
  for (const m of messages) {
    bytes += size(m.key) + size(m.value);
    for (const k in m.headers) {
      const h = m.headers[k];
      bytes += k.length + (Array.isArray(h) ? h.reduce((n: number, x) => n + size(x as string | Buffer), 0) : size(h as string | Buffer | undefined));
    }
  }
  return bytes;
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
 * records as one kind or the other. Room is counted in records and in bytes
 * (MAX_BYTES_PER_REQUEST); a caller larger than either alone still goes, in a request of its own.
 */
export class GroupCommitSender {
  private queue: Pending[] = [];
  private background: Pending[] = [];
  private sending = false;

  constructor(
    private readonly producer: Producer,
    private readonly maxRecordsPerRequest = 2_000,
    private readonly maxBytesPerRequest = MAX_BYTES_PER_REQUEST,
  ) {}

  send(topic: string, messages: Message[], { background = false } = {}): Promise<void> {
    return new Promise((resolve, reject) => {
      (background ? this.background : this.queue).push({ topic, messages, bytes: bytesOf(messages), resolve, reject });
      if (!this.sending) void this.loop();
    });
  }

  /** The next request's callers: the waiting ones first, then background ones while there is room. */
  private next(): Pending[] {
    const batch: Pending[] = [];
    let records = 0;
    let bytes = 0;
    const fits = (p: Pending) => batch.length === 0 || (records + p.messages.length <= this.maxRecordsPerRequest && bytes + p.bytes <= this.maxBytesPerRequest);
    for (const queue of [this.queue, this.background]) {
      let taken = 0;
      while (taken < queue.length && fits(queue[taken])) {
        batch.push(queue[taken]);
        records += queue[taken].messages.length;
        bytes += queue[taken].bytes;
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
