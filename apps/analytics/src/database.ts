import { DatabaseSpec } from '@live/bootstrap';
import { analyticsDatabase } from '@live/analytics-data-access';

export const databaseSpec: DatabaseSpec = analyticsDatabase;
