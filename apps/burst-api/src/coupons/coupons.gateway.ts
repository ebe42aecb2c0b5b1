import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Principal } from '@live/auth';
import { BurstSocketEvents, CouponClaimAck } from '@live/contracts';
import { invalidParams, refusal } from '../realtime/ack';
import { RealtimeServer } from '../realtime/realtime.server';
import { ClaimParams } from './coupons.dto';
import { CouponsService } from './coupons.service';

const BROADCAST_ID = /^[A-Za-z0-9-]{1,64}$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;

/**
 * The common case of ClaimParams without zod (its parse was ~4% of a claim's CPU): ids that
 * are plainly valid (each pattern accepts a subset of what the schema accepts). Anything else
 * (undefined) goes to the schema, which decides and words the refusal.
 */
function plainClaimParams(broadcastId: unknown, couponId: unknown): { success: true; data: ClaimParams } | undefined {
  if (typeof broadcastId !== 'string' || typeof couponId !== 'string' || !BROADCAST_ID.test(broadcastId) || !UUID.test(couponId)) return undefined;
  return { success: true, data: { id: broadcastId, couponId } };
}

/**
 * Coupon claims over burst-api's socket channels: `coupon.claim` `{ broadcastId, couponId }`, acked
 * `{ ok: true, claimId, remaining }` or a refusal with the HTTP route's code and field. Same
 * service as the HTTP route: one atomic Redis call (never oversold, the per-viewer limit holds
 * whichever channel a claim came by), then the claim in the Kafka log before the ack.
 * A viewer's socket claims to a show are rate-limited (COUPON_SOCKET_CLAIMS_PER_WINDOW: a fixed
 * window in one Redis key, every burst-api replica together, counted in the claim's own script);
 * the HTTP route has its own guards.
 */
@Injectable()
export class CouponsGateway implements OnModuleInit {
  private readonly logger = new Logger(CouponsGateway.name);

  constructor(
    private readonly realtime: RealtimeServer,
    private readonly coupons: CouponsService,
  ) {}

  onModuleInit(): void {
    this.realtime.on(BurstSocketEvents.CouponClaim, (user, message) => this.claim(user, message));
  }

  private claim(user: Principal, message: unknown): CouponClaimAck | Promise<CouponClaimAck> {
    const { broadcastId, couponId } = (typeof message === 'object' && message !== null ? message : {}) as { broadcastId?: unknown; couponId?: unknown };
    const params = plainClaimParams(broadcastId, couponId) ?? ClaimParams.safeParse({ id: broadcastId, couponId });
    if (!params.success) return invalidParams(params.error);
    return this.coupons
      .claim(user, params.data.id, params.data.couponId, { limited: true })
      .then(
        (answer): CouponClaimAck => ({ ok: true, ...answer }),
        (err: unknown) => refusal(err, this.logger, 'coupon.claim'),
      );
  }
}
