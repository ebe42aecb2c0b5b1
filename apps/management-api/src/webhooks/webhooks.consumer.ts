import { Controller, Inject } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import {
  BroadcastLifecycleV1,
  CommerceDailyReportV1,
  CouponClaimedV1,
  CouponRedeemedV1,
  EncoderReplayProgressV1,
  Groups,
  OverlayChangedV1,
  OverlayKeys,
  Topics,
} from '@live/contracts';
import { BULK_FETCH, EventBatch } from '@live/kafka';
import { DataSource } from 'typeorm';
import { AppConfig } from '../app.config';
import { WebhookEvent } from './webhook-events';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhooksService } from './webhooks.service';

const WATCHED = [Topics.BroadcastLifecycle, Topics.OverlayChanged, Topics.CouponClaimed, Topics.CouponRedeemed, Topics.EncoderReplayProgress, Topics.DailyReport] as const;
type Watched = (typeof WATCHED)[number];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The platform's Kafka events as webhook events: each becomes one pending delivery per
 * subscribed endpoint in Postgres (committed before the offset), so nothing is lost while a
 * receiver is down; the dispatcher sends them.
 */
@Controller()
export class WebhooksConsumer {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly dispatcher: WebhookDispatcher,
    private readonly dataSource: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  @EventPattern(Groups.ManagementWebhooks, { topics: WATCHED, fetch: BULK_FETCH })
  async handle(batch: EventBatch<Watched>): Promise<void> {
    const events = await this.translate(batch);
    if (events.length && (await this.webhooks.enqueue(events)) > 0) this.dispatcher.kick();
  }

  private async sellers(broadcastIds: string[]): Promise<Map<string, string>> {
    const ids = [...new Set(broadcastIds.filter((id) => UUID.test(id)))];
    if (ids.length === 0) return new Map();
    const rows: { id: string; seller_id: string }[] = await this.dataSource.query('SELECT id, seller_id FROM management.broadcasts WHERE id = ANY($1::uuid[])', [ids]);
    return new Map(rows.map((r) => [r.id, r.seller_id]));
  }

  private async pollResults(pollId: string) {
    const [poll] = await this.dataSource.query('SELECT question, options FROM management.polls WHERE id = $1', [pollId]);
    const counts: { option: number; votes: string }[] = await this.dataSource.query(
      'SELECT option, count(*) AS votes FROM management.viewer_votes WHERE poll_id = $1 GROUP BY option',
      [pollId],
    );
    const byOption = new Map(counts.map((c) => [c.option, Number(c.votes)]));
    const options: string[] = poll?.options ?? [];
    return { question: poll?.question ?? null, results: options.map((text, option) => ({ option, text, votes: byOption.get(option) ?? 0 })) };
  }

  private async translate(batch: EventBatch<Watched>): Promise<WebhookEvent[]> {
    const sellers = await this.sellers(batch.map((e) => (e.value as { broadcastId: string }).broadcastId));
    const out: WebhookEvent[] = [];
    for (const e of batch) {
      const base = { eventId: e.value.eventId, timestamp: e.value.occurredAt };
      switch (e.topic) {
        case Topics.BroadcastLifecycle: {
          const v = e.value as BroadcastLifecycleV1;
          if (v.status === 'scheduled') break;
          out.push({ ...base, type: v.status === 'live' ? 'show.started' : 'show.ended', sellerId: v.sellerId, data: { broadcastId: v.broadcastId, status: v.status, at: v.at } });
          break;
        }
        case Topics.OverlayChanged: {
          const v = e.value as OverlayChangedV1;
          const sellerId = sellers.get(v.broadcastId);
          if (!sellerId) break;
          if (v.action === 'show' && v.key === OverlayKeys.pin && v.overlay?.kind === 'product') {
            out.push({ ...base, type: 'product.pinned', sellerId, data: { broadcastId: v.broadcastId, product: v.overlay.data } });
          }
          const slot = OverlayKeys.parse(v.key);
          if (v.action === 'hide' && slot?.kind === 'poll' && slot.id) {
            out.push({ ...base, type: 'poll.closed', sellerId, data: { broadcastId: v.broadcastId, pollId: slot.id, ...(await this.pollResults(slot.id)) } });
          }
          break;
        }
        case Topics.CouponClaimed: {
          const v = e.value as CouponClaimedV1;
          const sellerId = sellers.get(v.broadcastId);
          if (sellerId) out.push({ ...base, type: 'coupon.claimed', sellerId, data: { broadcastId: v.broadcastId, couponId: v.couponId, claimId: v.claimId, userId: v.userId, remaining: v.remaining } });
          break;
        }
        case Topics.CouponRedeemed: {
          const v = e.value as CouponRedeemedV1;
          out.push({ ...base, type: 'coupon.redeemed', sellerId: v.sellerId, data: { broadcastId: v.broadcastId, couponId: v.couponId, claimId: v.claimId, userId: v.userId, orderRef: v.orderRef, redeemedAt: v.redeemedAt } });
          break;
        }
        case Topics.DailyReport: {
          const { sellerId, day, showIds, claims, redemptions, votes } = e.value as CommerceDailyReportV1;
          out.push({ ...base, type: 'report.daily', sellerId, data: { day, showIds, claims, redemptions, votes } });
          break;
        }
        case Topics.EncoderReplayProgress: {
          const v = e.value as EncoderReplayProgressV1;
          const sellerId = sellers.get(v.broadcastId);
          if (sellerId && v.status === 'succeeded' && v.step === null) {
            const base_ = `${this.config.REPLAY_BASE_URL}/${v.broadcastId}`;
            out.push({ ...base, type: 'replay.ready', sellerId, data: { broadcastId: v.broadcastId, hls: `${base_}/master.m3u8`, dash: `${base_}/manifest.mpd` } });
          }
          break;
        }
      }
    }
    return out;
  }
}
