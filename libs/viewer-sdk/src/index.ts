export * from './viewer-client';
export * from './hearts';
export type { WebSocketFactory, WebSocketLike } from './burst-channel';
export * from './timed-metadata';
export type { ChatLine, Overlay, JoinSnapshot, CouponStock, PollTally, StatsTick, StatsFigures } from '@live/contracts';
export * from './endpoints';
