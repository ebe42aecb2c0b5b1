import { randomUUID } from 'node:crypto';
import { ChatAcceptedV1 } from '@live/contracts';

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
