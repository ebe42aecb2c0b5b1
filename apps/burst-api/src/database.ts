import { DatabaseSpec } from '@live/app';

/** This service's schema; its tables arrive with the migrations of the features that need them. */
export const databaseSpec: DatabaseSpec = { schema: 'burst', entities: [], migrations: [] };
