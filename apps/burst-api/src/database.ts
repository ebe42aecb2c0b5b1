import { DatabaseSpec } from '@live/app';
import { burstDatabase } from '@live/burst-data-access';

export const databaseSpec: DatabaseSpec = burstDatabase;
