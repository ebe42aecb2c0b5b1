import { DatabaseSpec } from '@live/app';
import { chatDatabase } from '@live/chat-data-access';

export const databaseSpec: DatabaseSpec = chatDatabase;
