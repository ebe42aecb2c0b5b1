import { Client } from 'pg';
import { testEnv } from './test-env';

/** Anything a test file starts once and stops at the end: a set of app processes. */
export interface Stack {
  start(): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * A test file's stack and a Postgres client on this run's database: started before its
 * tests, stopped after them.
 */
export function useStack<S extends Stack>(stack: S): { stack: S; pg: Client } {
  const pg = new Client({ connectionString: testEnv().databaseUrl });
  beforeAll(async () => {
    await stack.start();
    await pg.connect();
  });
  afterAll(async () => {
    await pg.end();
    await stack.stop();
  });
  return { stack, pg };
}
