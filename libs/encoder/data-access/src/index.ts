/**
 * encoder-orchestrator's schema: live ingest sessions and replay jobs. Entities and
 * migrations are listed here by the features that add them.
 */
export const encoderDatabase = {
  schema: 'encoder',
  entities: [] as (new () => unknown)[],
  migrations: [] as (new () => unknown)[],
};
