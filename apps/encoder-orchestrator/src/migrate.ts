import { loadConfigOrExit } from '@live/config';
import { runMigrations } from '@live/database';
import { AppConfig, SERVICE } from './app.config';
import { databaseSpec } from './database';

/** `nx run encoder-orchestrator:migrate`: applies this service's pending migrations, then exits. */
async function main() {
  const config = loadConfigOrExit(AppConfig, `${SERVICE} migrate`);
  await runMigrations({ ...databaseSpec, url: config.DATABASE_URL, applicationName: `${SERVICE}-migrate` });
}

main().catch((err) => {
  console.error(`${SERVICE} migrate failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
