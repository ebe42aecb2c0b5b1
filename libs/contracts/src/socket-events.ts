/** socket.io event names: short and stable, shared by ws-gateway and its clients. */
export const SocketEvents = {
  Join: 'join',
  Leave: 'leave',
  ChatBatch: 'chat.batch',
  ChatDeleted: 'chat.deleted',
  OverlayShow: 'overlay.show',
  OverlayHide: 'overlay.hide',
  ViewersCount: 'viewers.count',
  HeartsCount: 'hearts.count',
  CouponStock: 'coupon.stock',
  PollTally: 'poll.tally',
  StatsTick: 'stats.tick',
} as const;

export type SocketEventName = (typeof SocketEvents)[keyof typeof SocketEvents];

/** socket.io room names. */
export const SocketRooms = {
  broadcast: (broadcastId: string) => `broadcast:${broadcastId}`,
  broadcastAdmin: (broadcastId: string) => `broadcast-admin:${broadcastId}`,
} as const;
