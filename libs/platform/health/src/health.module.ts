import { Controller, DynamicModule, Get, Global, Inject, Module, ServiceUnavailableException } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthCheck, HealthCheckService, HealthIndicatorResult, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { KafkaService, withTimeout } from '@live/kafka';
import { RedisService } from '@live/redis';
import { DataSource } from 'typeorm';
import { ShutdownState } from './shutdown-state';

export type Dependency = 'postgres' | 'redis' | 'kafka';

const HEALTH_DEPENDENCIES = Symbol('HEALTH_DEPENDENCIES');
const CHECK_TIMEOUT_MS = 3_000;

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly moduleRef: ModuleRef,
    private readonly shutdown: ShutdownState,
    @Inject(HEALTH_DEPENDENCIES) private readonly dependencies: Dependency[],
  ) {}

  /** The process is up and its event loop turns. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Every real dependency of this app answers; 503 otherwise, and while shutting down. */
  @Get('ready')
  @HealthCheck()
  ready() {
    if (this.shutdown.shuttingDown) throw new ServiceUnavailableException({ status: 'shutting-down' });
    return this.health.check(this.dependencies.map((d) => () => this.probe(d)));
  }

  private async probe(dep: Dependency): Promise<HealthIndicatorResult> {
    const session = this.indicator.check(dep);
    const started = Date.now();
    try {
      const details = await withTimeout(this.run(dep), CHECK_TIMEOUT_MS, () => new Error(`${dep} did not answer in ${CHECK_TIMEOUT_MS} ms`));
      return session.up({ ms: Date.now() - started, ...details });
    } catch (err) {
      return session.down({ message: err instanceof Error ? err.message : String(err) });
    }
  }

  private async run(dep: Dependency): Promise<Record<string, unknown>> {
    switch (dep) {
      case 'postgres':
        await this.moduleRef.get(DataSource, { strict: false }).query('SELECT 1');
        return {};
      case 'redis':
        await this.moduleRef.get(RedisService, { strict: false }).ping();
        return {};
      case 'kafka':
        return this.moduleRef.get(KafkaService, { strict: false }).checkHealth(CHECK_TIMEOUT_MS);
    }
  }
}

@Global()
@Module({})
export class HealthModule {
  static forRoot(dependencies: Dependency[]): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [{ provide: HEALTH_DEPENDENCIES, useValue: dependencies }, ShutdownState],
      exports: [ShutdownState],
    };
  }
}
