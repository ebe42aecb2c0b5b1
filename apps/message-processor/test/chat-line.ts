import { randomUUID } from 'node:crypto';
import { ChatAcceptedV1 } from '@live/contracts';

export function chatLine(broadcastId: string, text: string): ChatAcceptedV1 {
  const now = new Date().toISOString();
  return {
    eventId: randomUUID(),
    occurredAt: now,
    broadcastId,
    messageId: randomUUID(),
    clientMessageId: randomUUID(),
    userId: 'viewer-1',
    userName: 'Kim',
    roles: ['viewer'],
    text,
    acceptedAt: now,
  };
}
