import { randomUUID } from 'node:crypto';
import { ChatAcceptedV1 } from '@live/contracts';
import { testEnv } from './test-env';
import { waitFor } from './wait';

/** A valid accepted chat line, for tests that feed the chat topic directly. */
export function chatAccepted(broadcastId: string, text = 'hello', userId = 'viewer-1'): ChatAcceptedV1 {
  const now = new Date().toISOString();
  return {
    eventId: randomUUID(),
    occurredAt: now,
    broadcastId,
    messageId: randomUUID(),
    clientMessageId: randomUUID(),
    userId,
    userName: 'Kim',
    roles: ['viewer'],
    text,
    acceptedAt: now,
  };
}

/**
 * A record's JSON value, or undefined when it is not JSON. A test consumer that reads a topic
 * from its beginning meets what other files of the run put there, including the malformed
 * events the bad-input tests publish on purpose; throwing in eachMessage would make kafkajs
 * retry that record forever and the consumer would never see the ones after it.
 */
export function recordJson<T>(value: Buffer | null | undefined): T | undefined {
  if (!value) return undefined;
  try {
    return JSON.parse(value.toString()) as T;
  } catch {
    return undefined;
  }
}

/**
 * The first record of a (physical) topic, from its beginning, whose JSON value passes
 * `match`: its value and headers. For tests that check what an app published.
 */
export async function firstRecord<T>(
  physicalTopic: string,
  match: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<{ value: T; headers: Record<string, string> }> {
  const { Kafka, logLevel } = await import('kafkajs');
  const consumer = new Kafka({ brokers: testEnv().kafkaBrokers, clientId: 'first-record', logLevel: logLevel.NOTHING }).consumer({ groupId: `first-record-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [physicalTopic], fromBeginning: true });
    let found: { value: T; headers: Record<string, string> } | undefined;
    await consumer.run({
      eachMessage: async ({ message }) => {
        const value = recordJson<T>(message.value);
        if (found || value === undefined || !match(value)) return;
        found = { value, headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])) };
      },
    });
    return await waitFor(`a matching record in ${physicalTopic}`, () => found, { timeoutMs });
  } finally {
    await consumer.disconnect();
  }
}
