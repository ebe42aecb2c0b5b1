import { DatabaseSpec } from '@live/bootstrap';
import { encoderDatabase } from '@live/encoder-data-access';

/** This service's schema, owned by @live/encoder-data-access. */
export const databaseSpec: DatabaseSpec = encoderDatabase;
