import { MigrationInterface, QueryRunner } from 'typeorm';

/** The sellers and days whose report.daily was emitted: once each, whatever the replicas. */
export class DailyReports1796210000000 implements MigrationInterface {
  name = 'DailyReports1796210000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "management"."daily_reports" (
      "seller_id" text NOT NULL,
      "day" date NOT NULL,
      "created_at" timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY ("seller_id", "day"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "management"."daily_reports"`);
  }
}
