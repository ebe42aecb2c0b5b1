import { CreateCouponClaims1795340000000 } from './migrations/1795340000000-create-coupon-claims';
import { CreateShowFlush1795350000000 } from './migrations/1795350000000-create-show-flush';

export * from './burst.repository';
export * from './burst-counters';
export * from './burst-fates';

/** What burst-api hands to the platform's DatabaseModule and migration runner. */
export const burstDatabase = {
  schema: 'burst',
  entities: [],
  migrations: [CreateCouponClaims1795340000000, CreateShowFlush1795350000000],
};
