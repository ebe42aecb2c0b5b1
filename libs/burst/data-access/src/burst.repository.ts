import { Injectable } from '@nestjs/common';
import { CouponClaimedV1 } from '@live/contracts';
import { DataSource } from 'typeorm';

/** What a show's end flush writes: its counters as they stood in Redis. */
export interface ShowFlush {
  broadcastId: string;
  heartsTotal: number;
  ranks: { userId: string; count: number }[];
  coupons: { couponId: string; remaining: number; claimed: number }[];
  polls: { pollId: string; tally: { option: number; votes: number }[] }[];
}

export interface HeartsSummary {
  total: number;
  top: { userId: string; count: number }[];
}

/** burst-api's tables (schema `burst`): claims, and the counters flushed at each show's end. */
@Injectable()
export class BurstRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Idempotent on claimId: a redelivered claim is skipped. */
  async insertClaims(rows: CouponClaimedV1[]): Promise<void> {
    if (rows.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO burst.coupon_claims (claim_id, coupon_id, broadcast_id, user_id, ordinal, claimed_at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::int[], $6::timestamptz[])
       ON CONFLICT DO NOTHING`,
      [rows.map((r) => r.claimId), rows.map((r) => r.couponId), rows.map((r) => r.broadcastId), rows.map((r) => r.userId), rows.map((r) => r.ordinal), rows.map((r) => r.occurredAt)],
    );
  }

  /**
   * Writes a show's counters exactly once: the flush row goes in first, in the same
   * transaction, so a second delivery (or a second burst-api) finds it and writes nothing.
   * True when this call wrote them.
   */
  flushShow(f: ShowFlush): Promise<boolean> {
    return this.dataSource.transaction(async (m) => {
      const first = await m.query('INSERT INTO burst.show_flushes (broadcast_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING broadcast_id', [f.broadcastId]);
      if (first.length === 0) return false;
      await m.query('INSERT INTO burst.hearts_totals (broadcast_id, total) VALUES ($1, $2)', [f.broadcastId, f.heartsTotal]);
      if (f.ranks.length) {
        await m.query('INSERT INTO burst.hearts_ranks (broadcast_id, user_id, count) SELECT $1, * FROM unnest($2::text[], $3::bigint[])', [
          f.broadcastId,
          f.ranks.map((r) => r.userId),
          f.ranks.map((r) => r.count),
        ]);
      }
      for (const c of f.coupons) {
        await m.query('INSERT INTO burst.coupon_stock (coupon_id, broadcast_id, remaining, claimed) VALUES ($1, $2, $3, $4)', [c.couponId, f.broadcastId, c.remaining, c.claimed]);
      }
      for (const p of f.polls) {
        for (const t of p.tally) {
          await m.query('INSERT INTO burst.poll_tallies (poll_id, broadcast_id, option, votes) VALUES ($1, $2, $3, $4)', [p.pollId, f.broadcastId, t.option, t.votes]);
        }
      }
      return true;
    });
  }

  /** After the end: the flushed heart figures, if the show was flushed. */
  async heartsAfterEnd(broadcastId: string, limit: number): Promise<HeartsSummary | undefined> {
    const [row] = await this.dataSource.query('SELECT total FROM burst.hearts_totals WHERE broadcast_id = $1', [broadcastId]);
    if (!row) return undefined;
    const top = await this.dataSource.query(
      'SELECT user_id AS "userId", count::int AS count FROM burst.hearts_ranks WHERE broadcast_id = $1 ORDER BY count DESC, user_id LIMIT $2',
      [broadcastId, limit],
    );
    return { total: Number(row.total), top };
  }
}
