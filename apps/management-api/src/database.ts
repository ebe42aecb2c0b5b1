import { DatabaseSpec } from '@live/app';
import { managementDatabase } from '@live/management-data-access';

export const databaseSpec: DatabaseSpec = managementDatabase;
