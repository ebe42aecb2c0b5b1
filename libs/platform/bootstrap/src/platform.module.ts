import { DynamicModule, Module, Type } from '@nestjs/common';
import { AuthModule } from '@live/auth';
import { DatabaseModule, ServiceDatabaseOptions } from '@live/database';
import { Dependency, HealthModule } from '@live/health';
import { KafkaModule, kafkaOptionsFromEnv } from '@live/kafka';
import { LoggingModule } from '@live/logging';
import { MetricsModule } from '@live/metrics';
import { RedisModule } from '@live/redis';
import { RateLimitModule } from './rate-limit';

/** What every app's config has (baseEnv); the rest depends on which parts it uses. */
interface BaseConfig {
  LOG_LEVEL: string;
  LOG_PRETTY: boolean;
  AUTH_JWT_SECRET: string;
}
type KafkaConfig = Parameters<typeof kafkaOptionsFromEnv>[1];
interface RedisConfig {
  REDIS_URL: string;
  REDIS_PHASE: string;
  REDIS_CLUSTER_NODES?: string;
}
interface DatabaseConfig {
  DATABASE_URL: string;
  DATABASE_POOL_SIZE: number;
}

export type DatabaseSpec = Pick<ServiceDatabaseOptions, 'schema' | 'entities' | 'migrations'>;

export interface PlatformOptions<C extends BaseConfig> {
  service: string;
  config: C;
  kafka?: C extends KafkaConfig ? true : never;
  redis?: C extends RedisConfig ? true : never;
  database?: C extends DatabaseConfig ? DatabaseSpec : never;
}

/**
 * The shared parts of an app -- logs, metrics, health, auth, and whichever of Kafka, Redis
 * and Postgres it uses -- so readiness checks exactly the dependencies the app has.
 */
@Module({})
export class PlatformModule {
  static forRoot<C extends BaseConfig>(o: PlatformOptions<C>): DynamicModule {
    const deps: Dependency[] = [];
    const imports: DynamicModule[] = [
      LoggingModule.forRoot({ service: o.service, level: o.config.LOG_LEVEL, pretty: o.config.LOG_PRETTY }),
      MetricsModule.forRoot(o.service),
      AuthModule.forRoot(o.config.AUTH_JWT_SECRET),
    ];
    if (o.database) {
      const c = o.config as unknown as DatabaseConfig;
      imports.push(
        DatabaseModule.forRoot({ ...o.database, url: c.DATABASE_URL, poolSize: c.DATABASE_POOL_SIZE, applicationName: o.service }),
      );
      deps.push('postgres');
    }
    if (o.redis) {
      const c = o.config as unknown as RedisConfig;
      imports.push(RedisModule.forRoot({ url: c.REDIS_URL, phase: c.REDIS_PHASE, connectionName: o.service, clusterNodes: c.REDIS_CLUSTER_NODES }));
      // limits counted in Redis, for the routes that ask (@RateLimit)
      imports.push(RateLimitModule.forRoot());
      deps.push('redis');
    }
    if (o.kafka) {
      imports.push(KafkaModule.forRoot(kafkaOptionsFromEnv(o.service, o.config as unknown as KafkaConfig)));
      deps.push('kafka');
    }
    imports.push(HealthModule.forRoot(deps));
    return { module: PlatformModule, imports, exports: imports };
  }
}

/**
 * An app's root module: the platform parts it uses, its feature modules, and its validated
 * config, which every feature module may inject (the root module is global).
 */
export function appModule<C extends BaseConfig>(
  module: Type,
  Config: abstract new (...args: never[]) => C,
  platform: PlatformOptions<C>,
  features: (Type | DynamicModule)[],
): DynamicModule {
  return {
    module,
    global: true,
    imports: [PlatformModule.forRoot(platform), ...features],
    providers: [{ provide: Config, useValue: platform.config }],
    exports: [Config],
  };
}
