import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommonErrors } from '@live/errors';
import { Principal } from '@live/auth';
import { PRIORITY_ROLES, Topics } from '@live/contracts';
import { KafkaService } from '@live/kafka';
import { RedisService } from '@live/redis';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../app.config';
import { maskWords } from './chat-text';
import { ChatErrors } from './messages.errors';
import { SendMessageDto } from './messages.dto';
import { RateLimiter } from './rate-limiter';

export interface Accepted {
  messageId: string;
  acceptedAt: string;
}

type IdemRecord = ({ state: 'pending' } | { state: 'failed' } | { state: 'done' }) & Accepted;

const IDEMPOTENCY_SECONDS = 600;


/**
 * Chat ingest: validate, check the show and the user (all in Redis, one round trip), rate
 * limit, and answer 202 only once Kafka has the line. A repeated (user, clientMessageId)
 * within 10 minutes gets the first answer; a retry after a broker failure resends the same
 * messageId, so the processor stores the line once whatever reached the broker.
 */
@Injectable()
export class MessagesService {
  private readonly logger = new Logger(MessagesService.name);
  private readonly masked: string[];

  constructor(
    private readonly redis: RedisService,
    private readonly kafka: KafkaService,
    private readonly limiter: RateLimiter,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {
    this.masked = config.CHAT_MASKED_WORDS.split(',');
  }

  async post(user: Principal, broadcastId: string, { clientMessageId, text }: SendMessageDto): Promise<Accepted> {
    const { keys, client } = this.redis;
    const idemKey = keys.chat.idempotency(user.sub, clientMessageId);
    let previous = await this.readIdem(idemKey);
    // a pending record older than any publish could take: its request died; resend its line
    if (previous?.state === 'pending' && Date.now() - Date.parse(previous.acceptedAt) > this.config.KAFKA_PUBLISH_TIMEOUT_MS + 2_000) {
      previous = { ...previous, state: 'failed' };
    }
    if (previous?.state === 'done') return { messageId: previous.messageId, acceptedAt: previous.acceptedAt };
    if (previous?.state === 'pending') return this.awaitFirst(idemKey);

    const [[, status], [, showBan], [, globalBan], [, slow]] = (await client
      .multi()
      .get(keys.broadcast.status(broadcastId))
      .hget(keys.broadcast.bans(broadcastId), user.sub)
      .hget(keys.globalBans(), user.sub)
      .hget(keys.broadcast.chatSettings(broadcastId), 'slowModeSeconds')
      .exec()) as [unknown, string | null][];
    if (!status) throw CommonErrors.notFound('broadcast', 'id');
    if (status !== 'live') throw ChatErrors.notLive(status);
    const now = Date.now();
    for (const until of [showBan, globalBan]) {
      if (until !== null && (until === '0' || Number(until) > now)) throw ChatErrors.banned();
    }

    // a retry of a line the broker did not take is not a new line: no second token
    if (previous?.state !== 'failed') {
      const privileged = user.roles.some((r) => PRIORITY_ROLES.includes(r));
      const slowMode = privileged ? 0 : Number(slow ?? 0);
      const wait = slowMode > 0
        ? await this.limiter.take(keys.chat.rate(broadcastId, user.sub), 1 / slowMode, 1)
        : await this.limiter.take(keys.chat.rate(broadcastId, user.sub), this.config.CHAT_RATE_PER_SECOND, this.config.CHAT_RATE_BURST);
      if (wait > 0) throw ChatErrors.rateLimited(wait, slowMode);
    }

    const accepted: Accepted = previous ?? { messageId: randomUUID(), acceptedAt: new Date().toISOString() };
    const pending = JSON.stringify({ state: 'pending', ...accepted });
    const claimed = previous
      ? await client.set(idemKey, pending, 'EX', IDEMPOTENCY_SECONDS)
      : await client.set(idemKey, pending, 'EX', IDEMPOTENCY_SECONDS, 'NX');
    if (claimed === null) return this.awaitFirst(idemKey); // a concurrent duplicate got there first

    try {
      await this.kafka.publish(Topics.ChatAccepted, broadcastId, {
        eventId: accepted.messageId,
        occurredAt: accepted.acceptedAt,
        broadcastId: broadcastId,
        messageId: accepted.messageId,
        clientMessageId,
        userId: user.sub,
        userName: user.name || user.sub,
        roles: user.roles,
        text: maskWords(text, this.masked),
        acceptedAt: accepted.acceptedAt,
      });
    } catch (err) {
      this.logger.warn(`publish failed: ${err instanceof Error ? err.message : err}`);
      await client.set(idemKey, JSON.stringify({ state: 'failed', ...accepted }), 'EX', IDEMPOTENCY_SECONDS).catch(() => undefined);
      throw ChatErrors.unavailable();
    }
    await client.set(idemKey, JSON.stringify({ state: 'done', ...accepted }), 'EX', IDEMPOTENCY_SECONDS);
    return accepted;
  }

  private async readIdem(key: string): Promise<IdemRecord | undefined> {
    const raw = await this.redis.client.get(key);
    return raw ? (JSON.parse(raw) as IdemRecord) : undefined;
  }

  /** The first request with this clientMessageId is still in flight: wait for its answer. */
  private async awaitFirst(key: string): Promise<Accepted> {
    const deadline = Date.now() + this.config.KAFKA_PUBLISH_TIMEOUT_MS + 1_000;
    while (Date.now() < deadline) {
      const rec = await this.readIdem(key);
      if (rec?.state === 'done') return { messageId: rec.messageId, acceptedAt: rec.acceptedAt };
      if (rec?.state === 'failed') throw ChatErrors.unavailable();
      await new Promise((r) => setTimeout(r, 50));
    }
    throw ChatErrors.inFlight();
  }
}
