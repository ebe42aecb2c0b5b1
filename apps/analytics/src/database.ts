import { DatabaseSpec } from '@live/app';
import { analyticsDatabase } from '@live/analytics-data-access';

export const databaseSpec: DatabaseSpec = analyticsDatabase;
