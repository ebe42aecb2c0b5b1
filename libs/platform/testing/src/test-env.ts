import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import Redis, { Cluster } from 'ioredis';
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
    /** set in the Redis Cluster pass of `npm test` (the apps it starts inherit it) */
    redisClusterNodes: env.REDIS_CLUSTER_NODES || undefined,
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/live',
    jwtSecret: env.AUTH_JWT_SECRET ?? 'dev-only-insecure-secret-change-me',
  };
}

/**
 * A client of the Redis this run's apps use, for a test's own reads and writes: the Redis
 * Cluster in the cluster pass of `npm test` (REDIS_CLUSTER_NODES), the single Redis otherwise.
 */
export function testRedis(): Redis | Cluster {
  const { redisClusterNodes, redisUrl } = testEnv();
  if (!redisClusterNodes) return new Redis(redisUrl);
  return new Cluster(
    redisClusterNodes.split(',').map((n) => {
      const at = n.lastIndexOf(':');
      return { host: n.slice(0, at), port: Number(n.slice(at + 1)) };
    }),
  );
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
