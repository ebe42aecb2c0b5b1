import { randomUUID } from 'node:crypto';
import { redisKeys } from '@live/contracts';
import { AppProcess, Http, Viewer, http, testEnv, tokenFor, waitFor } from '@live/testing';
import Redis from 'ioredis';

/** The chat path on real processes: management, message-api, processor, two gateways. */
export class ChatStack {
  management!: AppProcess;
  messageApi!: AppProcess;
  processor!: AppProcess;
  gateways: AppProcess[] = [];
  readonly viewers: Viewer[] = [];
  readonly seller = `seller-${randomUUID()}`;
  sellerApi!: Http;
  readonly redis = new Redis(testEnv().redisUrl, { lazyConnect: true });
  readonly keys = redisKeys(testEnv().redisPhase);

  async start(processorEnv: Record<string, string> = {}): Promise<this> {
    [this.management, this.messageApi, this.processor, ...this.gateways] = await Promise.all([
      AppProcess.start('management-api'),
      AppProcess.start('message-api'),
      AppProcess.start('message-processor', processorEnv),
      AppProcess.start('ws-gateway'),
      AppProcess.start('ws-gateway'),
    ]);
    this.sellerApi = http(this.management.url, tokenFor(this.seller, ['seller']));
    return this;
  }

  async stop(): Promise<void> {
    this.viewers.forEach((v) => v.close());
    this.redis.disconnect();
    await Promise.all([this.management, this.messageApi, this.processor, ...this.gateways].map((a) => a?.stop()));
  }

  /** A live show whose status the chat path already sees (the Redis mirror caught up). */
  async liveShow(chat?: { slowModeSeconds?: number; displayBudgetPerSecond?: number | null }): Promise<string> {
    const show = (await this.sellerApi.post('/v1/broadcasts', { title: 'chat e2e', scheduledAt: new Date().toISOString() })).body;
    if (chat) {
      const res = await this.sellerApi.put(`/v1/broadcasts/${show.id}/chat-settings`, { slowModeSeconds: 0, displayBudgetPerSecond: null, ...chat });
      if (res.status !== 200) throw new Error(`chat settings: ${JSON.stringify(res.body)}`);
    }
    await this.sellerApi.post(`/v1/broadcasts/${show.id}/start`);
    const probe = this.viewer(0);
    await waitFor('show live for the gateways', async () => {
      const ack = await probe.join(show.id);
      return ack.ok && ack.snapshot.status === 'live';
    });
    probe.close(); // not a viewer of the show: it would count in viewers.count
    // settings reach message-api and the processor through the same mirror; wait for them too
    if (chat) {
      const want = { slowModeSeconds: String(chat.slowModeSeconds ?? 0), displayBudgetPerSecond: chat.displayBudgetPerSecond == null ? undefined : String(chat.displayBudgetPerSecond) };
      await waitFor('chat settings mirrored', async () => {
        const got = await this.redis.hgetall(this.keys.broadcast.chatSettings(show.id));
        return got.slowModeSeconds === want.slowModeSeconds && got.displayBudgetPerSecond === want.displayBudgetPerSecond;
      });
    }
    return show.id;
  }

  viewer(gateway: number, token?: string): Viewer {
    const v = new Viewer(this.gateways[gateway].url, token);
    this.viewers.push(v);
    return v;
  }

  chat(userId: string, roles: ('viewer' | 'seller' | 'moderator')[] = ['viewer']): Http {
    return http(this.messageApi.url, tokenFor(userId, roles, `name-${userId.slice(0, 8)}`));
  }

  post(api: Http, broadcastId: string, text: string, clientMessageId: string = randomUUID()) {
    return api.post(`/v1/broadcasts/${broadcastId}/messages`, { clientMessageId, text });
  }
}
