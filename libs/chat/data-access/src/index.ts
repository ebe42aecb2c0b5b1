import { ChatMessageEntity } from './chat-message.entity';
import { CreateChatMessages1795300000000 } from './migrations/1795300000000-create-chat-messages';
import { ChatShownDeleted1795320000000 } from './migrations/1795320000000-chat-shown-deleted';

export * from './chat-message.entity';
export * from './chat-message.repository';
export * from './chat-log';

/** What message-processor hands to the platform's DatabaseModule and migration runner. */
export const chatDatabase = {
  schema: 'chat',
  entities: [ChatMessageEntity],
  migrations: [CreateChatMessages1795300000000, ChatShownDeleted1795320000000],
};
