import { Inject, Injectable } from '@nestjs/common';
import { ChatAcceptedV1, ChatBatch, ChatLine, SocketEvents, SocketRooms, Topics } from '@live/contracts';
import { KafkaService } from '@live/kafka';
import { ChatLog, ChatMessageRepository } from '@live/chat-data-access';
import { MetricsService } from '@live/metrics';
import { RedisService } from '@live/redis';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../app.config';
import { DisplayBudget } from './display-budget';

const SETTINGS_TTL_MS = 1_000;
/** how often budgets and cached settings of quiet shows are dropped */
const SWEEP_EVERY_MS = 10_000;

/**
 * One window of chat (the lines of a Kafka fetch, per show, at most CHAT_WINDOW_MAX_LINES):
 * pick what the room shows within its display budget; store every line (idempotent on
 * messageId) while appending the shown ones to the show's chat log stream (their seq) and
 * broadcasting one chat.batch to the room on every gateway; then count what was new. The
 * caller commits offsets after all of it.
 */
@Injectable()
export class DeliveryService {
  private readonly budget = new DisplayBudget();
  private readonly settings = new Map<string, { budget: number; at: number }>();
  private sweptAt = Date.now();
  private readonly shownLines;
  private readonly suppressedLines;
  private readonly frames;

  constructor(
    private readonly messages: ChatMessageRepository,
    private readonly chatLog: ChatLog,
    private readonly redis: RedisService,
    private readonly kafka: KafkaService,
    @Inject(AppConfig) private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    this.shownLines = metrics.counter('chat_lines_shown_total', 'chat lines broadcast to rooms');
    this.suppressedLines = metrics.counter('chat_lines_suppressed_total', 'chat lines left out by display budgets');
    this.frames = metrics.counter('chat_frames_total', 'chat.batch events broadcast');
  }

  async deliver(batch: ChatAcceptedV1[]): Promise<{ stored: number; shown: number; suppressed: number }> {
    // a producer retry can put the same message twice into one Kafka batch
    const unique = [...new Map(batch.map((m) => [m.messageId, m])).values()];
    const perShow = new Map<string, ChatAcceptedV1[]>();
    for (const m of unique) (perShow.get(m.broadcastId) ?? perShow.set(m.broadcastId, []).get(m.broadcastId)!).push(m);
    const total = { stored: 0, shown: 0, suppressed: 0 };
    for (const [broadcastId, lines] of perShow) {
      for (let i = 0; i < lines.length; i += this.config.CHAT_WINDOW_MAX_LINES) {
        const r = await this.window(broadcastId, lines.slice(i, i + this.config.CHAT_WINDOW_MAX_LINES));
        total.stored += r.stored;
        total.shown += r.shown;
        total.suppressed += r.suppressed;
      }
    }
    this.sweep();
    return total;
  }

  /** Budgets and cached settings of shows that went quiet are dropped (they would grow forever). */
  private sweep(now = Date.now()): void {
    if (now - this.sweptAt < SWEEP_EVERY_MS) return;
    this.sweptAt = now;
    this.budget.sweep(now, SWEEP_EVERY_MS);
    for (const [broadcastId, cached] of this.settings) if (now - cached.at > SWEEP_EVERY_MS) this.settings.delete(broadcastId);
  }

  /** How many shows this processor holds budgets or settings for (metrics, tests). */
  get trackedShows(): number {
    return Math.max(this.budget.size, this.settings.size);
  }

  private async window(broadcastId: string, lines: ChatAcceptedV1[]) {
    const flags = this.budget.select(broadcastId, await this.displayBudget(broadcastId), lines);
    const shown = lines.filter((_, i) => flags[i]);
    const suppressed = lines.length - shown.length;
    const { keys, client } = this.redis;

    // Storing and showing run side by side: both finish before the offsets are committed, so
    // a crash redoes the window (the insert is idempotent), and Postgres is off the path from
    // broker to screen.
    const storing = this.messages.insertMany(lines.map((l, i) => ({ ...l, shown: flags[i] })));
    storing.catch(() => undefined); // awaited below; do not let it reject unobserved meanwhile
    const chatLines = await this.chatLog.append(broadcastId, shown.map(toLine), this.config.CHAT_LOG_MAXLEN);

    const room = this.redis.rooms.to(SocketRooms.broadcast(broadcastId));
    if (this.config.CHAT_BATCHING) {
      if (chatLines.length > 0 || suppressed > 0) {
        room.emit(SocketEvents.ChatBatch, { broadcastId: broadcastId, lines: chatLines, suppressed } satisfies ChatBatch);
        this.frames.inc();
      }
    } else {
      // baseline for the benchmark: one broadcast per line
      for (const line of chatLines) room.emit(SocketEvents.ChatBatch, { broadcastId: broadcastId, lines: [line], suppressed: 0 } satisfies ChatBatch);
      if (suppressed > 0) room.emit(SocketEvents.ChatBatch, { broadcastId: broadcastId, lines: [], suppressed } satisfies ChatBatch);
      this.frames.inc(chatLines.length + (suppressed > 0 ? 1 : 0));
    }
    const inserted = await storing;
    if (inserted.size > 0) await client.incrby(keys.broadcast.chatCount(broadcastId), inserted.size);
    // analytics learns what was shown and what was left out (before the offsets are committed)
    await this.kafka.publish(Topics.ChatSampled, broadcastId, {
      eventId: randomUUID(),
      occurredAt: new Date().toISOString(),
      broadcastId: broadcastId,
      shown: shown.map((l) => l.messageId),
      suppressed: lines.filter((_, i) => !flags[i]).map((l) => l.messageId),
    });
    this.shownLines.inc(chatLines.length);
    this.suppressedLines.inc(suppressed);
    return { stored: inserted.size, shown: chatLines.length, suppressed };
  }

  /** The show's override (chat settings, mirrored by management) or the default; cached 1 s. */
  private async displayBudget(broadcastId: string): Promise<number> {
    const cached = this.settings.get(broadcastId);
    if (cached && Date.now() - cached.at < SETTINGS_TTL_MS) return cached.budget;
    const raw = await this.redis.client.hget(this.redis.keys.broadcast.chatSettings(broadcastId), 'displayBudgetPerSecond');
    const budget = raw && Number(raw) > 0 ? Number(raw) : this.config.CHAT_DISPLAY_BUDGET;
    this.settings.set(broadcastId, { budget, at: Date.now() });
    return budget;
  }
}

function toLine(m: ChatAcceptedV1): Omit<ChatLine, 'seq'> {
  return { messageId: m.messageId, userId: m.userId, userName: m.userName, roles: m.roles, text: m.text, acceptedAt: m.acceptedAt };
}
