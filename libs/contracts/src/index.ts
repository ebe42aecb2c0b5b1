export * from './events/envelope';
export * from './events/chat';
export * from './events/broadcast';
export * from './events/overlay';
export * from './events/moderation';
export * from './topics';
export * from './socket-events';
export * from './redis-keys';
