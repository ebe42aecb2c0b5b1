import { DynamicModule, INestApplication } from '@nestjs/common';
import { loadConfigOrExit } from '@live/config';
import { runMigrations } from '@live/database';
import type { z } from 'zod';
import type { DatabaseSpec } from './platform.module';
import { runApp } from './run-app';

interface ServerConfig {
  HOST: string;
  PORT: number;
  SHUTDOWN_TIMEOUT_MS: number;
  CORS_ORIGINS?: string;
}

type ConfigCls<C> = { new (values: never): C; readonly schema: z.ZodObject };

/** An app's main.ts: validated config (or one line and exit 1), then the shared bootstrap. */
export async function startService<C extends ServerConfig>(
  service: string,
  Config: ConfigCls<C>,
  moduleFor: (config: C) => DynamicModule,
  configure?: (app: INestApplication) => Promise<void> | void,
  http: 'express' | 'fastify' = 'express',
): Promise<INestApplication> {
  const config = loadConfigOrExit(Config as never, service) as C;
  return runApp(moduleFor(config), {
    service,
    host: config.HOST,
    port: config.PORT,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    corsOrigins: config.CORS_ORIGINS,
    configure,
    http,
  });
}

/** An app's migrate.ts (`nx run <app>:migrate`): its pending migrations, then exit. */
export function migrateService<C extends { DATABASE_URL: string }>(service: string, Config: ConfigCls<C>, spec: DatabaseSpec): void {
  const config = loadConfigOrExit(Config as never, `${service} migrate`) as C;
  runMigrations({ ...spec, url: config.DATABASE_URL, applicationName: `${service}-migrate` }).catch((err) => {
    console.error(`${service} migrate failed: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  });
}
