export * from './viewer-client';
export * from './hearts';
export * from './timed-metadata';
export type { ChatLine, Overlay, JoinSnapshot, CouponStock, PollTally, StatsTick, StatsFigures } from '@live/contracts';
export * from './endpoints';
