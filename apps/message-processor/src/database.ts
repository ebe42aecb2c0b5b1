import { DatabaseSpec } from '@live/bootstrap';
import { chatDatabase } from '@live/chat-data-access';

export const databaseSpec: DatabaseSpec = chatDatabase;
