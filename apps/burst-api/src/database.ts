import { DatabaseSpec } from '@live/bootstrap';
import { burstDatabase } from '@live/burst-data-access';

export const databaseSpec: DatabaseSpec = burstDatabase;
