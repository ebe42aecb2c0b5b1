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
 */
export class GroupCommitSender {
  private queue: Pending[] = [];
  private sending = false;

  constructor(
    private readonly producer: Producer,
    private readonly maxRecordsPerRequest = 2_000,
  ) {}

  send(topic: string, messages: Message[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ topic, messages, resolve, reject });
      if (!this.sending) void this.loop();
    });
  }

  private async loop(): Promise<void> {
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        const batch: Pending[] = [];
        let records = 0;
        while (this.queue.length > 0 && (batch.length === 0 || records + this.queue[0].messages.length <= this.maxRecordsPerRequest)) {
          const next = this.queue.shift()!;
          batch.push(next);
          records += next.messages.length;
        }
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
