import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { workspaceRoot } from './app-process';

/** The isolation tools/test/test.mjs set up for this run. */
export function testEnv() {
  const env = process.env;
  return {
    runId: env.LIVE_TEST_RUN_ID ?? '',
    kafkaBrokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    topicPrefix: env.KAFKA_TOPIC_PREFIX ?? '',
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisPhase: env.REDIS_PHASE ?? 'test',
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/live',
    jwtSecret: env.AUTH_JWT_SECRET ?? 'dev-only-insecure-secret-change-me',
  };
}

const run = promisify(execFile);

/** `tools/infra` as a person would run it, e.g. infra('down', 'kafka'). */
export async function infra(
  command: 'up' | 'down' | 'status',
  services: string[] = [],
  env: Record<string, string> = {},
): Promise<string> {
  const { stdout } = await run(process.execPath, [path.join(workspaceRoot, 'tools/infra/infra.mjs'), command, ...services], {
    cwd: workspaceRoot,
    timeout: 180_000,
    env: { ...process.env, ...env },
  });
  return stdout;
}
