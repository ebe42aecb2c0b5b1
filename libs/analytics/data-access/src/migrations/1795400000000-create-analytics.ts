import { MigrationInterface, QueryRunner } from 'typeorm';

const FIGURES = ['events', 'chats_accepted', 'chats_shown', 'chats_suppressed', 'hearts', 'coupon_claims', 'poll_votes', 'viewers_joined', 'viewers_left'];
const figureColumns = FIGURES.map((f) => `"${f}" bigint NOT NULL DEFAULT 0`).join(', ');

/**
 * Per-show aggregates in event time: 1 s and 1 min windows, per-viewer counts, the hearts
 * heatmap, claims per coupon, votes per option -- and the event keys already counted, which
 * make every upsert idempotent (they commit in the same transaction as the counts).
 */
export class CreateAnalytics1795400000000 implements MigrationInterface {
  name = 'CreateAnalytics1795400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "analytics"."shows" (
        "broadcast_id" text PRIMARY KEY, "seller_id" text, "status" text NOT NULL DEFAULT 'unknown',
        "started_at" timestamptz, "ended_at" timestamptz, "late_dropped" bigint NOT NULL DEFAULT 0,
        "unique_viewers" bigint, "finalized_at" timestamptz, "last_event_at" timestamptz)`);
    await q.query(`CREATE TABLE "analytics"."seen" ("key" text PRIMARY KEY, "seen_at" timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX "seen_at_idx" ON "analytics"."seen" ("seen_at")`);
    for (const table of ['second_stats', 'minute_stats']) {
      await q.query(`CREATE TABLE "analytics"."${table}" ("broadcast_id" text NOT NULL, "window_start" timestamptz NOT NULL, ${figureColumns}, PRIMARY KEY ("broadcast_id", "window_start"))`);
    }
    await q.query(`
      CREATE TABLE "analytics"."viewer_stats" (
        "broadcast_id" text NOT NULL, "user_id" text NOT NULL, "chats" bigint NOT NULL DEFAULT 0,
        "hearts" bigint NOT NULL DEFAULT 0, "coupon_claims" bigint NOT NULL DEFAULT 0,
        PRIMARY KEY ("broadcast_id", "user_id"))`);
    await q.query(`CREATE TABLE "analytics"."heatmap" ("broadcast_id" text NOT NULL, "video_second" int NOT NULL, "hearts" bigint NOT NULL, PRIMARY KEY ("broadcast_id", "video_second"))`);
    await q.query(`CREATE TABLE "analytics"."coupon_stats" ("broadcast_id" text NOT NULL, "coupon_id" uuid NOT NULL, "claims" bigint NOT NULL, PRIMARY KEY ("broadcast_id", "coupon_id"))`);
    await q.query(`
      CREATE TABLE "analytics"."poll_stats" (
        "broadcast_id" text NOT NULL, "poll_id" uuid NOT NULL, "option" int NOT NULL, "votes" bigint NOT NULL,
        PRIMARY KEY ("broadcast_id", "poll_id", "option"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['poll_stats', 'coupon_stats', 'heatmap', 'viewer_stats', 'minute_stats', 'second_stats', 'seen', 'shows']) await q.query(`DROP TABLE "analytics"."${t}"`);
  }
}
