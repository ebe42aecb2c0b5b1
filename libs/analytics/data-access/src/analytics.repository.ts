import { Injectable } from '@nestjs/common';
import { StatsFigures } from '@live/contracts';
import { DataSource, EntityManager } from 'typeorm';

/** The figures of a window, in the order of their columns. */
export const FIGURE_NAMES = ['events', 'chatsAccepted', 'chatsShown', 'chatsSuppressed', 'hearts', 'couponClaims', 'pollVotes', 'viewersJoined', 'viewersLeft'] as const satisfies readonly (keyof StatsFigures)[];
const COLUMNS = FIGURE_NAMES.map((f) => f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));

export const emptyFigures = (): StatsFigures => Object.fromEntries(FIGURE_NAMES.map((f) => [f, 0])) as unknown as StatsFigures;

export interface WindowRow extends StatsFigures {
  broadcastId: string;
  start: Date;
}

export interface ShowRow {
  broadcastId: string;
  sellerId: string | null;
  status: string;
  startedAt: Date | null;
  endedAt: Date | null;
  lateDropped: number;
  uniqueViewers: number | null;
  finalizedAt: Date | null;
}

export type WindowTable = 'second_stats' | 'minute_stats';

const STATUS_RANK = `CASE s.status WHEN 'ended' THEN 3 WHEN 'live' THEN 2 WHEN 'scheduled' THEN 1 ELSE 0 END`;
const figureSelect = (prefix = '') => FIGURE_NAMES.map((f, i) => `${prefix}${COLUMNS[i]}::float8 AS "${f}"`).join(', ');
const sumSelect = FIGURE_NAMES.map((f, i) => `coalesce(sum(${COLUMNS[i]}), 0)::float8 AS "${f}"`).join(', ');

/**
 * analytics' tables. Every write adds to what is there (an upsert keyed by show and window,
 * viewer, second...), rows sorted by key so concurrent batches lock in the same order; the
 * caller runs them in one transaction with `claimKeys`, which is what makes them idempotent.
 */
@Injectable()
export class AnalyticsRepository {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(fn);
  }

  /** Records the keys of the events about to be counted; returns those not seen before. */
  async claimKeys(m: EntityManager, keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows: { key: string }[] = await m.query(
      'INSERT INTO analytics.seen (key) SELECT DISTINCT unnest($1::text[]) ON CONFLICT DO NOTHING RETURNING key',
      [[...keys].sort()],
    );
    return new Set(rows.map((r) => r.key));
  }

  async addWindows(m: EntityManager, table: WindowTable, rows: WindowRow[]): Promise<void> {
    if (rows.length === 0) return;
    rows.sort((a, b) => a.broadcastId.localeCompare(b.broadcastId) || a.start.getTime() - b.start.getTime());
    const params = [rows.map((r) => r.broadcastId), rows.map((r) => r.start.toISOString()), ...FIGURE_NAMES.map((f) => rows.map((r) => r[f]))];
    await m.query(
      `INSERT INTO analytics.${table} AS w (broadcast_id, window_start, ${COLUMNS.join(', ')})
       SELECT * FROM unnest($1::text[], $2::timestamptz[], ${COLUMNS.map((_, i) => `$${i + 3}::bigint[]`).join(', ')})
       ON CONFLICT (broadcast_id, window_start) DO UPDATE SET ${COLUMNS.map((c) => `${c} = w.${c} + EXCLUDED.${c}`).join(', ')}`,
      params,
    );
  }

  async addViewers(m: EntityManager, rows: { broadcastId: string; userId: string; chats: number; hearts: number; couponClaims: number }[]): Promise<void> {
    if (rows.length === 0) return;
    rows.sort((a, b) => a.broadcastId.localeCompare(b.broadcastId) || a.userId.localeCompare(b.userId));
    await m.query(
      `INSERT INTO analytics.viewer_stats AS v (broadcast_id, user_id, chats, hearts, coupon_claims)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[])
       ON CONFLICT (broadcast_id, user_id) DO UPDATE SET chats = v.chats + EXCLUDED.chats, hearts = v.hearts + EXCLUDED.hearts, coupon_claims = v.coupon_claims + EXCLUDED.coupon_claims`,
      [rows.map((r) => r.broadcastId), rows.map((r) => r.userId), rows.map((r) => r.chats), rows.map((r) => r.hearts), rows.map((r) => r.couponClaims)],
    );
  }

  async addHeatmap(m: EntityManager, rows: { broadcastId: string; videoSecond: number; hearts: number }[]): Promise<void> {
    if (rows.length === 0) return;
    rows.sort((a, b) => a.broadcastId.localeCompare(b.broadcastId) || a.videoSecond - b.videoSecond);
    await m.query(
      `INSERT INTO analytics.heatmap AS h (broadcast_id, video_second, hearts)
       SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[])
       ON CONFLICT (broadcast_id, video_second) DO UPDATE SET hearts = h.hearts + EXCLUDED.hearts`,
      [rows.map((r) => r.broadcastId), rows.map((r) => r.videoSecond), rows.map((r) => r.hearts)],
    );
  }

  async addCoupons(m: EntityManager, rows: { broadcastId: string; couponId: string; claims: number }[]): Promise<void> {
    if (rows.length === 0) return;
    rows.sort((a, b) => a.broadcastId.localeCompare(b.broadcastId) || a.couponId.localeCompare(b.couponId));
    await m.query(
      `INSERT INTO analytics.coupon_stats AS c (broadcast_id, coupon_id, claims)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::bigint[])
       ON CONFLICT (broadcast_id, coupon_id) DO UPDATE SET claims = c.claims + EXCLUDED.claims`,
      [rows.map((r) => r.broadcastId), rows.map((r) => r.couponId), rows.map((r) => r.claims)],
    );
  }

  async addVotes(m: EntityManager, rows: { broadcastId: string; pollId: string; option: number; votes: number }[]): Promise<void> {
    if (rows.length === 0) return;
    rows.sort((a, b) => a.broadcastId.localeCompare(b.broadcastId) || a.pollId.localeCompare(b.pollId) || a.option - b.option);
    await m.query(
      `INSERT INTO analytics.poll_stats AS p (broadcast_id, poll_id, option, votes)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::int[], $4::bigint[])
       ON CONFLICT (broadcast_id, poll_id, option) DO UPDATE SET votes = p.votes + EXCLUDED.votes`,
      [rows.map((r) => r.broadcastId), rows.map((r) => r.pollId), rows.map((r) => r.option), rows.map((r) => r.votes)],
    );
  }

  /** Shows seen in a batch: known from now on, with the events too late to count. */
  async touchShows(m: EntityManager, rows: { broadcastId: string; lateDropped: number; lastEventAt: Date }[]): Promise<void> {
    if (rows.length === 0) return;
    rows.sort((a, b) => a.broadcastId.localeCompare(b.broadcastId));
    await m.query(
      `INSERT INTO analytics.shows AS s (broadcast_id, late_dropped, last_event_at)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::timestamptz[])
       ON CONFLICT (broadcast_id) DO UPDATE SET late_dropped = s.late_dropped + EXCLUDED.late_dropped,
         last_event_at = greatest(s.last_event_at, EXCLUDED.last_event_at)`,
      [rows.map((r) => r.broadcastId), rows.map((r) => r.lateDropped), rows.map((r) => r.lastEventAt.toISOString())],
    );
  }

  /** A lifecycle change; a replayed or reordered one never moves a show back (scheduled < live < ended). */
  async applyLifecycle(m: EntityManager, e: { broadcastId: string; sellerId: string; status: string; at: string }): Promise<void> {
    await m.query(
      `INSERT INTO analytics.shows AS s (broadcast_id, seller_id, status, started_at, ended_at)
       VALUES ($1, $2, $3, CASE WHEN $3 = 'live' THEN $4::timestamptz END, CASE WHEN $3 = 'ended' THEN $4::timestamptz END)
       ON CONFLICT (broadcast_id) DO UPDATE SET seller_id = EXCLUDED.seller_id,
         status = CASE WHEN ${STATUS_RANK.replace('s.status', 'EXCLUDED.status')} > ${STATUS_RANK} THEN EXCLUDED.status ELSE s.status END,
         started_at = coalesce(s.started_at, EXCLUDED.started_at), ended_at = coalesce(s.ended_at, EXCLUDED.ended_at)`,
      [e.broadcastId, e.sellerId, e.status, e.at],
    );
  }

  async show(broadcastId: string): Promise<ShowRow | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT broadcast_id AS "broadcastId", seller_id AS "sellerId", status, started_at AS "startedAt", ended_at AS "endedAt",
         late_dropped::float8 AS "lateDropped", unique_viewers::float8 AS "uniqueViewers", finalized_at AS "finalizedAt"
       FROM analytics.shows WHERE broadcast_id = $1`,
      [broadcastId],
    );
    return row;
  }

  /** Shows live, or with events in the last `withinMs`: what the scoreboard ticks for. */
  async activeShows(withinMs: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT broadcast_id AS id FROM analytics.shows WHERE status = 'live' OR last_event_at > now() - $1 * interval '1 millisecond'`,
      [withinMs],
    );
    return rows.map((r) => r.id);
  }

  async windows(table: WindowTable, broadcastId: string, from?: Date, to?: Date): Promise<WindowRow[]> {
    const rows: WindowRow[] = await this.dataSource.query(
      `SELECT broadcast_id AS "broadcastId", window_start AS start, ${figureSelect()} FROM analytics.${table}
       WHERE broadcast_id = $1 AND ($2::timestamptz IS NULL OR window_start >= $2) AND ($3::timestamptz IS NULL OR window_start < $3)
       ORDER BY window_start`,
      [broadcastId, from?.toISOString() ?? null, to?.toISOString() ?? null],
    );
    return rows;
  }

  /** The show's totals: the sum of its minutes. */
  async totals(broadcastIds: string[]): Promise<Map<string, StatsFigures>> {
    const rows: (StatsFigures & { broadcastId: string })[] = await this.dataSource.query(
      `SELECT broadcast_id AS "broadcastId", ${sumSelect} FROM analytics.minute_stats WHERE broadcast_id = ANY($1) GROUP BY broadcast_id`,
      [broadcastIds],
    );
    return new Map(rows.map(({ broadcastId, ...f }) => [broadcastId, f]));
  }

  /** One second of several shows. */
  async second(broadcastIds: string[], start: Date): Promise<Map<string, StatsFigures>> {
    const rows: (StatsFigures & { broadcastId: string })[] = await this.dataSource.query(
      `SELECT broadcast_id AS "broadcastId", ${figureSelect()} FROM analytics.second_stats WHERE broadcast_id = ANY($1) AND window_start = $2`,
      [broadcastIds, start.toISOString()],
    );
    return new Map(rows.map(({ broadcastId, ...f }) => [broadcastId, f]));
  }

  /** Net viewers per second (joined - left), in order: concurrency is their running sum. */
  async viewerDeltas(broadcastIds: string[]): Promise<Map<string, { start: Date; delta: number }[]>> {
    const rows: { broadcastId: string; start: Date; delta: number }[] = await this.dataSource.query(
      `SELECT broadcast_id AS "broadcastId", window_start AS start, (viewers_joined - viewers_left)::float8 AS delta
       FROM analytics.second_stats WHERE broadcast_id = ANY($1) AND (viewers_joined > 0 OR viewers_left > 0) ORDER BY broadcast_id, window_start`,
      [broadcastIds],
    );
    const out = new Map<string, { start: Date; delta: number }[]>();
    for (const { broadcastId, ...r } of rows) (out.get(broadcastId) ?? out.set(broadcastId, []).get(broadcastId)!).push(r);
    return out;
  }

  async heatmap(broadcastId: string): Promise<{ videoSecond: number; hearts: number }[]> {
    return this.dataSource.query(
      'SELECT video_second AS "videoSecond", hearts::float8 AS hearts FROM analytics.heatmap WHERE broadcast_id = $1 ORDER BY video_second',
      [broadcastId],
    );
  }

  async topViewers(broadcastId: string, by: 'chats' | 'hearts', limit: number): Promise<{ userId: string; count: number }[]> {
    return this.dataSource.query(
      `SELECT user_id AS "userId", ${by}::float8 AS count FROM analytics.viewer_stats WHERE broadcast_id = $1 AND ${by} > 0 ORDER BY ${by} DESC, user_id LIMIT $2`,
      [broadcastId, limit],
    );
  }

  async claimers(broadcastId: string): Promise<number> {
    const [row] = await this.dataSource.query('SELECT count(*)::int AS n FROM analytics.viewer_stats WHERE broadcast_id = $1 AND coupon_claims > 0', [broadcastId]);
    return row.n;
  }

  async coupons(broadcastId: string): Promise<{ couponId: string; claims: number }[]> {
    return this.dataSource.query('SELECT coupon_id AS "couponId", claims::float8 AS claims FROM analytics.coupon_stats WHERE broadcast_id = $1 ORDER BY coupon_id', [broadcastId]);
  }

  async polls(broadcastId: string): Promise<{ pollId: string; option: number; votes: number }[]> {
    return this.dataSource.query('SELECT poll_id AS "pollId", option, votes::float8 AS votes FROM analytics.poll_stats WHERE broadcast_id = $1 ORDER BY poll_id, option', [broadcastId]);
  }

  /** The final report's unique viewers, kept once (the HyperLogLog may expire after). */
  async finalize(broadcastId: string, uniqueViewers: number): Promise<void> {
    await this.dataSource.query('UPDATE analytics.shows SET unique_viewers = $2, finalized_at = now() WHERE broadcast_id = $1 AND finalized_at IS NULL', [broadcastId, uniqueViewers]);
  }

  /** Event keys older than the replay horizon go. */
  async pruneSeen(olderThanMs: number): Promise<number> {
    const [, count] = await this.dataSource.query(`DELETE FROM analytics.seen WHERE seen_at < now() - $1 * interval '1 millisecond'`, [olderThanMs]);
    return Number(count ?? 0);
  }
}
