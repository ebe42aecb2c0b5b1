import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ServiceDatabaseOptions, serviceDataSourceOptions } from './data-source';

@Module({})
export class DatabaseModule {
  static forRoot(options: ServiceDatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...serviceDataSourceOptions(options),
          // start-up fails fast if Postgres is away; readiness reports it afterwards
          retryAttempts: 3,
          retryDelay: 1_000,
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
