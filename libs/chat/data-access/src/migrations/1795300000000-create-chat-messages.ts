import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateChatMessages1795300000000 implements MigrationInterface {
  name = 'CreateChatMessages1795300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "chat"."messages" (
        "message_id" uuid PRIMARY KEY,
        "broadcast_id" text NOT NULL,
        "user_id" text NOT NULL,
        "user_name" text NOT NULL,
        "roles" text[] NOT NULL,
        "text" text NOT NULL,
        "client_message_id" text NOT NULL,
        "accepted_at" timestamptz NOT NULL,
        "stored_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX "messages_broadcast_accepted_idx" ON "chat"."messages" ("broadcast_id", "accepted_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "chat"."messages"`);
  }
}
