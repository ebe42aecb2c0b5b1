import { randomUUID } from 'node:crypto';
import { ChatAcceptedV1 } from './events/chat';
import { Topics, TopicSchemas, allTopics, deadLetterTopic } from './topics';

describe('topics', () => {
  it('follows <domain>.<entity>.<event>.v<N> and has a schema for each', () => {
    for (const topic of allTopics()) {
      expect(topic).toMatch(/^[a-z]+\.[a-z-]+\.[a-z]+\.v\d+$/);
      expect(TopicSchemas[topic]).toBeDefined();
    }
    expect(deadLetterTopic(Topics.ChatAccepted)).toBe('chat.message.accepted.v1.dlt');
  });

  it('validates chat payloads and names the field at fault', () => {
    const now = new Date().toISOString();
    const good = {
      eventId: randomUUID(),
      occurredAt: now,
      broadcastId: 'b1',
      messageId: randomUUID(),
      clientMessageId: 'c1',
      userId: 'u1',
      userName: 'Kim',
      roles: ['viewer'],
      text: 'hello',
      acceptedAt: now,
    };
    expect(ChatAcceptedV1.safeParse(good).success).toBe(true);
    const bad = ChatAcceptedV1.safeParse({ ...good, text: 'x'.repeat(201) });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].path).toEqual(['text']);
  });
});
