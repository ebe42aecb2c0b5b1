import { Controller, DynamicModule, Get, Global, Header, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MetricsService } from './metrics.service';

@Controller('metrics')
class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

type Req = IncomingMessage & { route?: { path?: string }; originalUrl?: string; /** set by Fastify apps (run-app) */ routePattern?: string };

@Global()
@Module({})
export class MetricsModule implements NestModule {
  constructor(private readonly metrics: MetricsService) {}

  static forRoot(service: string): DynamicModule {
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [{ provide: MetricsService, useValue: new MetricsService(service) }],
      exports: [MetricsService],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply((req: Req, res: ServerResponse, next: () => void) => {
        const end = this.metrics.httpDuration.startTimer();
        res.on('finish', () => {
          // the route pattern, not the URL: ids in paths would explode the label set
          const route = req.route?.path ?? req.routePattern ?? 'unmatched';
          end({ method: req.method, route });
          this.metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
        });
        next();
      })
      .forRoutes('*');
  }
}
