import { Inject, Injectable, Logger } from '@nestjs/common';
import { Principal } from '@live/auth';
import { CouponClaimedV1, PollVotedV1, Topics } from '@live/contracts';
import { RedisService } from '@live/redis';
import { DataSource } from 'typeorm';
import { AppConfig } from '../app.config';
import { ApiKeyPrincipal } from '../api-keys/api-keys.service';
import { ManagementTx } from '../outbox/management-tx';
import { newCouponCode, normalizeCouponCode } from './coupon-code';
import { RedeemCode } from './commerce.dto';
import { CommerceErrors } from './commerce.errors';

interface CodeRow {
  claim_id: string;
  code: string;
  coupon_id: string;
  broadcast_id: string;
  seller_id: string;
  user_id: string;
  claimed_at: Date;
  expires_at: Date;
  redeemed_at: Date | null;
  order_ref: string | null;
  name: string;
  discount_type: 'percent' | 'amount';
  discount_value: string;
  currency: string | null;
}

const coupon = (r: CodeRow) => ({
  id: r.coupon_id,
  name: r.name,
  discountType: r.discount_type,
  discountValue: Number(r.discount_value),
  currency: r.currency,
});

/**
 * Coupon codes and their redemption. burst-api owns the claim (Redis stock, Kafka before its
 * 201, burst.coupon_claims); the code is commerce: management owns coupons, sellers and their
 * API keys, so it gives each claim its code from the claim topic and redeems it.
 */
@Injectable()
export class CommerceService {
  private readonly logger = new Logger('Commerce');

  constructor(
    private readonly dataSource: DataSource,
    private readonly redis: RedisService,
    private readonly tx: ManagementTx,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /** One code per claim (idempotent on claimId: a redelivered claim keeps its first code). */
  async issueCodes(claims: CouponClaimedV1[]): Promise<void> {
    if (claims.length === 0) return;
    const terms: { id: string; valid_until: Date; seller_id: string }[] = await this.dataSource.query(
      `SELECT c.id, c.valid_until, b.seller_id FROM management.coupons c JOIN management.broadcasts b ON b.id = c.broadcast_id
       WHERE c.id = ANY($1::uuid[])`,
      [[...new Set(claims.map((c) => c.couponId))]],
    );
    const byId = new Map(terms.map((t) => [t.id, t]));
    const rows = claims.filter((c) => {
      if (byId.has(c.couponId)) return true;
      this.logger.warn(`claim ${c.claimId} of unknown coupon ${c.couponId}: no code`);
      return false;
    });
    if (rows.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO management.coupon_codes (claim_id, code, coupon_id, broadcast_id, seller_id, user_id, claimed_at, expires_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[])
       ON CONFLICT (claim_id) DO NOTHING`,
      [
        rows.map((r) => r.claimId),
        rows.map(() => newCouponCode()),
        rows.map((r) => r.couponId),
        rows.map((r) => r.broadcastId),
        rows.map((r) => byId.get(r.couponId)!.seller_id),
        rows.map((r) => r.userId),
        rows.map((r) => r.occurredAt),
        rows.map((r) => byId.get(r.couponId)!.valid_until),
      ],
    );
  }

  async recordVotes(votes: PollVotedV1[]): Promise<void> {
    if (votes.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO management.viewer_votes (vote_id, poll_id, broadcast_id, user_id, option, voted_at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::int[], $6::timestamptz[])
       ON CONFLICT DO NOTHING`,
      [votes.map((v) => v.voteId), votes.map((v) => v.pollId), votes.map((v) => v.broadcastId), votes.map((v) => v.userId), votes.map((v) => v.option), votes.map((v) => v.occurredAt)],
    );
  }

  /** A viewer's own won coupons with their codes (the code appears a moment after the 201 of the claim). */
  async myClaims(user: Principal, limit: number) {
    const rows: CodeRow[] = await this.dataSource.query(
      `SELECT k.*, c.name, c.discount_type, c.discount_value, c.currency FROM management.coupon_codes k
       JOIN management.coupons c ON c.id = k.coupon_id WHERE k.user_id = $1 ORDER BY k.claimed_at DESC LIMIT $2`,
      [user.sub, limit],
    );
    const now = new Date();
    return rows.map((r) => ({
      claimId: r.claim_id,
      broadcastId: r.broadcast_id,
      coupon: coupon(r),
      code: r.code,
      status: r.redeemed_at ? 'redeemed' : r.expires_at <= now ? 'expired' : 'active',
      claimedAt: r.claimed_at.toISOString(),
      expiresAt: r.expires_at.toISOString(),
      redeemedAt: r.redeemed_at?.toISOString() ?? null,
    }));
  }

  async myVotes(user: Principal, limit: number) {
    const rows: { vote_id: string; poll_id: string; broadcast_id: string; option: number; voted_at: Date; question: string | null; options: string[] | null }[] =
      await this.dataSource.query(
        `SELECT v.*, p.question, p.options FROM management.viewer_votes v LEFT JOIN management.polls p ON p.id = v.poll_id
         WHERE v.user_id = $1 ORDER BY v.voted_at DESC LIMIT $2`,
        [user.sub, limit],
      );
    return rows.map((r) => ({
      voteId: r.vote_id,
      pollId: r.poll_id,
      broadcastId: r.broadcast_id,
      question: r.question,
      option: r.option,
      optionText: r.options?.[r.option] ?? null,
      votedAt: r.voted_at.toISOString(),
    }));
  }

  /** A fixed one-minute window per API key; over the limit is 429 before any lookup. */
  private async countAttempt(apiKeyId: string): Promise<void> {
    const now = Date.now();
    const window = Math.floor(now / 60_000);
    const key = this.redis.keys.commerce.redeemAttempts(apiKeyId, window);
    const [[, attempts]] = (await this.redis.client.multi().incr(key).expire(key, 120).exec()) as [[Error | null, number], unknown];
    if (attempts > this.config.REDEEM_ATTEMPTS_PER_MINUTE) throw CommerceErrors.rateLimited(Math.ceil(((window + 1) * 60_000 - now) / 1000));
  }

  /**
   * Redeems a code once for the key's seller. Unknown and other-seller codes take the same path
   * (one indexed lookup, then the same 404), so an answer or its timing tells nothing about
   * another seller's codes. A repeat with the same orderRef is the same redemption (200).
   */
  async redeem(key: ApiKeyPrincipal, dto: RedeemCode): Promise<{ replayed: boolean; redemption: Record<string, unknown> }> {
    await this.countAttempt(key.apiKeyId);
    const code = normalizeCouponCode(dto.code) ?? '';
    return this.tx.run(key, async ({ m, emit, audit }) => {
      const [row]: CodeRow[] = await m.query(
        `SELECT k.*, c.name, c.discount_type, c.discount_value, c.currency FROM management.coupon_codes k
         JOIN management.coupons c ON c.id = k.coupon_id WHERE k.code = $1 FOR UPDATE OF k`,
        [code],
      );
      if (!row || row.seller_id !== key.sub) throw CommerceErrors.notFound();
      const answer = (redeemedAt: Date, orderRef: string | null) => ({
        code: row.code,
        claimId: row.claim_id,
        broadcastId: row.broadcast_id,
        userId: row.user_id,
        coupon: coupon(row),
        orderRef,
        redeemedAt: redeemedAt.toISOString(),
      });
      if (row.redeemed_at) {
        if (dto.orderRef && row.order_ref === dto.orderRef) return { replayed: true, redemption: answer(row.redeemed_at, row.order_ref) };
        throw CommerceErrors.alreadyRedeemed(row.redeemed_at);
      }
      if (row.expires_at <= new Date()) throw CommerceErrors.expired(row.expires_at);
      const [[updated]] = await m.query(
        `UPDATE management.coupon_codes SET redeemed_at = now(), redeemed_by_key = $2, order_ref = $3 WHERE claim_id = $1 RETURNING redeemed_at`,
        [row.claim_id, key.apiKeyId, dto.orderRef ?? null],
      );
      const redeemedAt = updated.redeemed_at as Date;
      emit(Topics.CouponRedeemed, row.coupon_id, {
        claimId: row.claim_id,
        couponId: row.coupon_id,
        broadcastId: row.broadcast_id,
        sellerId: row.seller_id,
        userId: row.user_id,
        orderRef: dto.orderRef ?? null,
        redeemedAt: redeemedAt.toISOString(),
      });
      audit('coupon.redeem', { type: 'coupon-code', id: row.claim_id, broadcastId: row.broadcast_id }, { apiKeyId: key.apiKeyId, orderRef: dto.orderRef ?? null });
      return { replayed: false, redemption: answer(redeemedAt, dto.orderRef ?? null) };
    });
  }
}
