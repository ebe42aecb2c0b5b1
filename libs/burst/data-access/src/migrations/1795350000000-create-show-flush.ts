import { MigrationInterface, QueryRunner } from 'typeorm';

/** What a show's burst counters become when it ends: written once, read after the end. */
export class CreateShowFlush1795350000000 implements MigrationInterface {
  name = 'CreateShowFlush1795350000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "burst"."show_flushes" ("broadcast_id" text PRIMARY KEY, "flushed_at" timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE "burst"."hearts_totals" ("broadcast_id" text PRIMARY KEY, "total" bigint NOT NULL)`);
    await q.query(`
      CREATE TABLE "burst"."hearts_ranks" (
        "broadcast_id" text NOT NULL, "user_id" text NOT NULL, "count" bigint NOT NULL,
        PRIMARY KEY ("broadcast_id", "user_id"))`);
    await q.query(`CREATE INDEX "hearts_ranks_top_idx" ON "burst"."hearts_ranks" ("broadcast_id", "count" DESC)`);
    await q.query(`
      CREATE TABLE "burst"."poll_tallies" (
        "poll_id" uuid NOT NULL, "broadcast_id" text NOT NULL, "option" int NOT NULL, "votes" int NOT NULL,
        PRIMARY KEY ("poll_id", "option"))`);
    await q.query(`
      CREATE TABLE "burst"."coupon_stock" (
        "coupon_id" uuid PRIMARY KEY, "broadcast_id" text NOT NULL, "remaining" int NOT NULL, "claimed" int NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['coupon_stock', 'poll_tallies', 'hearts_ranks', 'hearts_totals', 'show_flushes']) await q.query(`DROP TABLE "burst"."${t}"`);
  }
}
