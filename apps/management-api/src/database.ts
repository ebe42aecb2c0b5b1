import { DatabaseSpec } from '@live/bootstrap';
import { managementDatabase } from '@live/management-data-access';

export const databaseSpec: DatabaseSpec = managementDatabase;
