import { CreateCouponClaims1795340000000 } from './migrations/1795340000000-create-coupon-claims';

/** What burst-api hands to the platform's DatabaseModule and migration runner. */
export const burstDatabase = {
  schema: 'burst',
  entities: [],
  migrations: [CreateCouponClaims1795340000000],
};
