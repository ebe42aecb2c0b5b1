import { DataSource, DataSourceOptions, EntitySchema, MixedList } from 'typeorm';

export interface ServiceDatabaseOptions {
  url: string;
  /** the Postgres schema this service owns; no other service writes to it */
  schema: string;
  entities: MixedList<string | (new () => unknown) | EntitySchema>;
  migrations: MixedList<string | (new () => unknown)>;
  poolSize?: number;
  applicationName?: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** One DataSource per owning service; `synchronize` is never on, migrations are files. */
export function serviceDataSourceOptions(o: ServiceDatabaseOptions): DataSourceOptions {
  if (!SCHEMA_NAME.test(o.schema)) throw new Error(`invalid schema name ${o.schema}`);
  return {
    type: 'postgres',
    url: o.url,
    schema: o.schema,
    entities: o.entities,
    migrations: o.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    applicationName: o.applicationName,
    extra: { max: o.poolSize ?? 10, connectionTimeoutMillis: 5_000 },
  };
}

/**
 * Runs a service's pending migrations, each in its own transaction. The schema is created
 * first because TypeORM keeps its migrations table inside it.
 */
export async function runMigrations(o: ServiceDatabaseOptions, log: (line: string) => void = console.log): Promise<string[]> {
  const ds = new DataSource(serviceDataSourceOptions(o));
  await ds.initialize();
  try {
    await ds.query(`CREATE SCHEMA IF NOT EXISTS "${o.schema}"`);
    const done = await ds.runMigrations({ transaction: 'each' });
    const names = done.map((m) => m.name);
    log(`${o.schema}: ${names.length ? `applied ${names.join(', ')}` : 'up to date'}`);
    return names;
  } finally {
    await ds.destroy();
  }
}
