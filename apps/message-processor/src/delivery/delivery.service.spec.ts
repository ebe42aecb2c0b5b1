import { randomUUID } from 'node:crypto';
import { ChatAcceptedV1, redisKeys } from '@live/contracts';
import type { ChatMessageRepository } from '@live/chat-data-access';
import type { RedisService } from '@live/redis';
import { DeliveryService, RECENT_CHAT_LIMIT } from './delivery.service';

const line = (broadcastId: string): ChatAcceptedV1 => {
  const now = new Date().toISOString();
  return {
    eventId: randomUUID(),
    occurredAt: now,
    broadcastId,
    messageId: randomUUID(),
    clientMessageId: randomUUID(),
    userId: 'u1',
    userName: 'Kim',
    roles: ['viewer'],
    text: 'hi',
    acceptedAt: now,
  };
};

describe('DeliveryService', () => {
  function setup(alreadyStored: Set<string>) {
    const calls: [string, ...unknown[]][] = [];
    const multi = new Proxy(
      {},
      {
        get: (_, name: string) =>
          name === 'exec'
            ? async () => []
            : (...args: unknown[]) => {
                calls.push([name, ...args]);
                return multi;
              },
      },
    );
    const repo = {
      insertMany: async (batch: ChatAcceptedV1[]) => new Set(batch.map((m) => m.messageId).filter((id) => !alreadyStored.has(id))),
    } as unknown as ChatMessageRepository;
    const redis = { keys: redisKeys('unit'), client: { multi: () => multi } } as unknown as RedisService;
    return { service: new DeliveryService(repo, redis), calls };
  }

  it('counts and lists only the messages that were new', async () => {
    const a = line('b1');
    const b = line('b1');
    const c = line('b2');
    const { service, calls } = setup(new Set([b.messageId]));
    expect(await service.persist([a, b, c])).toEqual({ stored: 2 });
    expect(calls).toContainEqual(['incrby', 'live|unit|broadcast:b1:chat-count', 1]);
    expect(calls).toContainEqual(['incrby', 'live|unit|broadcast:b2:chat-count', 1]);
    expect(calls).toContainEqual(['ltrim', 'live|unit|broadcast:b1:recent-chat', -RECENT_CHAT_LIMIT, -1]);
  });

  it('counts a message repeated inside one batch once', async () => {
    const a = line('b1');
    const { service, calls } = setup(new Set());
    expect(await service.persist([a, a])).toEqual({ stored: 1 });
    expect(calls).toContainEqual(['incrby', 'live|unit|broadcast:b1:chat-count', 1]);
  });

  it('touches nothing in Redis for a fully redelivered batch', async () => {
    const a = line('b1');
    const { service, calls } = setup(new Set([a.messageId]));
    expect(await service.persist([a])).toEqual({ stored: 0 });
    expect(calls).toHaveLength(0);
  });
});
