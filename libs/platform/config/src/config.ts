import { z } from 'zod';

export class ConfigError extends Error {}

/** Variables shared by every app; each app adds its own to these. */
export const DEV_JWT_SECRET = 'dev-only-insecure-secret-change-me';

const port = (fallback: number) =>
  z.coerce.number({ error: 'must be a port number' }).int('must be a whole number').min(1).max(65535).default(fallback);

const positiveInt = (fallback: number) =>
  z.coerce.number({ error: 'must be a number' }).int('must be a whole number').positive('must be positive').default(fallback);

export const env = { port, positiveInt };

export const baseEnv = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** pretty single-line logs for a terminal; JSON everywhere else */
  LOG_PRETTY: z.stringbool().default(false),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** how long SIGTERM may take before the process gives up and exits 1 */
  SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
  AUTH_JWT_SECRET: z.string().min(16, 'must be at least 16 characters').default(DEV_JWT_SECRET),
  /** browser origins allowed to call the HTTP API (comma list, `*` for any, empty for none); default: the local web apps */
  CORS_ORIGINS: z.string().default('http://localhost:4200,http://127.0.0.1:4200,http://localhost:4300,http://127.0.0.1:4300'),
};

export const redisEnv = {
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// URL' }).default('redis://127.0.0.1:6379'),
  /** the `<phase>` of `live|<phase>|...` keys: dev, test, prod or one per test run */
  REDIS_PHASE: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be lower-case letters, digits, - or _').default('dev'),
  /**
   * `host:port[,host:port...]` of Redis Cluster nodes: when set, the app talks to the cluster
   * (ioredis' Cluster client, which learns the other nodes from these) and REDIS_URL is unused.
   */
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(/^[^,\s:]+:\d{1,5}(,[^,\s:]+:\d{1,5})*$/, 'must be host:port[,host:port...]')
    .optional(),
};

export const databaseEnv = {
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' })
    .default('postgres://postgres@127.0.0.1:5432/live'),
  DATABASE_POOL_SIZE: positiveInt(10),
};

export const kafkaEnv = {
  KAFKA_BROKERS: z
    .string()
    .regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, 'must be host:port[,host:port...]')
    .default('127.0.0.1:9092'),
  /** prepended to every topic and consumer group: isolates test runs sharing a broker */
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[a-zA-Z0-9._-]*$/, 'must be letters, digits, . _ -').default(''),
  KAFKA_DEFAULT_PARTITIONS: positiveInt(3),
  /** per-topic partition counts: `chat.message.accepted.v1=12,broadcast.lifecycle.changed.v1=1` */
  KAFKA_TOPIC_PARTITIONS: z
    .string()
    .regex(/^([a-z0-9.]+=\d+(,[a-z0-9.]+=\d+)*)?$/, 'must be topic=count[,topic=count...]')
    .default(''),
  /** how long a publish may wait for the broker before the caller gets an error */
  KAFKA_PUBLISH_TIMEOUT_MS: positiveInt(5_000),
};

function describeIssue(issue: z.core.$ZodIssue, input: Record<string, unknown>): string {
  const name = issue.path.join('.') || '(config)';
  const raw = input[String(issue.path[0])];
  const got = raw === undefined ? 'it is not set' : `got ${JSON.stringify(raw)}`;
  return `${name} ${issue.message.replace(/^Invalid input: /, '')} (${got})`;
}

/** Parses the environment; throws a ConfigError whose message is one line naming each variable. */
export function parseEnv<S extends z.ZodObject>(schema: S, input: NodeJS.ProcessEnv = process.env): z.infer<S> {
  // An empty variable counts as unset, so `PORT=` falls back to the default instead of 0.
  const cleaned = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => describeIssue(i, cleaned)).join('; '));
  }
  return result.data;
}

export interface ConfigClassType<S extends z.ZodObject> {
  new (values: z.infer<S>): z.infer<S>;
  readonly schema: S;
}

/**
 * Base for an app's one config class: `export class AppConfig extends ConfigClass(schema) {}`.
 * The class is also the Nest injection token.
 */
export function ConfigClass<S extends z.ZodObject>(schema: S): ConfigClassType<S> {
  class Config {
    static readonly schema = schema;
    constructor(values: z.infer<S>) {
      Object.assign(this, values);
    }
  }
  return Config as unknown as ConfigClassType<S>;
}

/** The production rule: the dev JWT secret is refused outside development and test. */
function checkProductionRules(values: Record<string, unknown>): void {
  if (values.NODE_ENV === 'production' && values.AUTH_JWT_SECRET === DEV_JWT_SECRET) {
    throw new ConfigError('AUTH_JWT_SECRET is required in production (the dev default is refused)');
  }
}

export function loadConfig<T, S extends z.ZodObject>(
  Cls: { new (values: z.infer<S>): T; readonly schema: S },
  input: NodeJS.ProcessEnv = process.env,
): T {
  const values = parseEnv(Cls.schema, input);
  checkProductionRules(values as Record<string, unknown>);
  return new Cls(values);
}

/** For main.ts: a bad or missing variable ends the process with one line naming it. */
export function loadConfigOrExit<T, S extends z.ZodObject>(
  Cls: { new (values: z.infer<S>): T; readonly schema: S },
  service: string,
  input: NodeJS.ProcessEnv = process.env,
): T {
  try {
    return loadConfig(Cls, input);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${service}: config error: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

/** `a=1,b=2` -> { a: 1, b: 2 } (the format of KAFKA_TOPIC_PARTITIONS). */
export function parseCountMap(value: string): Record<string, number> {
  if (!value) return {};
  return Object.fromEntries(
    value.split(',').map((pair) => {
      const [k, v] = pair.split('=');
      return [k, Number(v)];
    }),
  );
}

type EnvParts = { kafka?: true; redis?: true; database?: true };
type PartEnv<P extends EnvParts> = typeof baseEnv &
  (P['kafka'] extends true ? typeof kafkaEnv : object) &
  (P['redis'] extends true ? typeof redisEnv : object) &
  (P['database'] extends true ? typeof databaseEnv : object);

/** An app's shared variables: the base ones and those of the parts it uses. */
export function serviceEnv<P extends EnvParts>(parts: P): PartEnv<P> {
  return { ...baseEnv, ...(parts.kafka ? kafkaEnv : {}), ...(parts.redis ? redisEnv : {}), ...(parts.database ? databaseEnv : {}) } as PartEnv<P>;
}
