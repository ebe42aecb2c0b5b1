import { migrateService } from '@live/bootstrap';
import { AppConfig, SERVICE } from './app.config';
import { databaseSpec } from './database';

/** `nx run encoder-orchestrator:migrate`: applies this service's pending migrations, then exits. */
migrateService(SERVICE, AppConfig, databaseSpec);
