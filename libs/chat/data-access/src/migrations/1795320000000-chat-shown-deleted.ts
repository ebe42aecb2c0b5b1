import { MigrationInterface, QueryRunner } from 'typeorm';

/** Whether the room displayed a line (or the budget left it out), and moderators' deletes. */
export class ChatShownDeleted1795320000000 implements MigrationInterface {
  name = 'ChatShownDeleted1795320000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "chat"."messages" ADD COLUMN "shown" boolean NOT NULL DEFAULT true`);
    await q.query(`ALTER TABLE "chat"."messages" ADD COLUMN "deleted_at" timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "chat"."messages" DROP COLUMN "deleted_at"`);
    await q.query(`ALTER TABLE "chat"."messages" DROP COLUMN "shown"`);
  }
}
