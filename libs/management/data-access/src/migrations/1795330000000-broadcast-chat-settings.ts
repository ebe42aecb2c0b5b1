import { MigrationInterface, QueryRunner } from 'typeorm';

export class BroadcastChatSettings1795330000000 implements MigrationInterface {
  name = 'BroadcastChatSettings1795330000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "management"."broadcasts" ADD COLUMN "chat_slow_mode_seconds" int NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE "management"."broadcasts" ADD COLUMN "chat_display_budget" int`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "management"."broadcasts" DROP COLUMN "chat_display_budget"`);
    await q.query(`ALTER TABLE "management"."broadcasts" DROP COLUMN "chat_slow_mode_seconds"`);
  }
}
