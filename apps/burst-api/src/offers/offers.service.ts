import { Injectable } from '@nestjs/common';
import { CouponTerms, OverlayChangedV1, OverlayKeys, PollTerms } from '@live/contracts';
import { NonRetriableError } from '@live/kafka';
import { RedisService } from '@live/redis';
import type { z } from 'zod';

/**
 * What burst-api must know to take claims and votes: the coupons management exposes (their
 * terms, and the stock, set once) and the polls it opens (how many options), projected from
 * the overlay events into burst-api's own Redis state. Re-applying an event writes the same
 * state again (the stock is only ever set once).
 */
@Injectable()
export class OffersService {
  constructor(private readonly redis: RedisService) {}

  async apply(changes: OverlayChangedV1[]): Promise<void> {
    const { keys, client } = this.redis;
    const tx = client.multi();
    for (const change of changes) {
      const slot = OverlayKeys.parse(change.key);
      if (!slot?.id || (slot.kind !== 'coupon' && slot.kind !== 'poll')) continue;
      const shown = change.action === 'show' && change.overlay;
      if (slot.kind === 'coupon') {
        const state = keys.coupon.state(slot.id);
        tx.sadd(keys.broadcast.coupons(change.broadcastId), slot.id);
        if (shown) {
          const terms = parseTerms(CouponTerms, change);
          tx.hset(state, {
            broadcastId: change.broadcastId,
            exposed: '1',
            perUser: String(terms.perUserLimit),
            validFrom: String(Date.parse(terms.validFrom)),
            validUntil: String(Date.parse(terms.validUntil)),
          });
          tx.hsetnx(state, 'remaining', String(terms.totalQuantity));
        } else {
          tx.hset(state, 'exposed', '0');
        }
      } else {
        const state = keys.poll.state(slot.id);
        tx.sadd(keys.broadcast.polls(change.broadcastId), slot.id);
        if (shown) tx.hset(state, { broadcastId: change.broadcastId, open: '1', options: String(parseTerms(PollTerms, change).options.length) });
        else tx.hset(state, 'open', '0');
      }
    }
    await tx.exec();
  }
}

/** Terms that do not match the contract can never be applied: the event goes to the .dlt. */
function parseTerms<S extends z.ZodType>(schema: S, change: OverlayChangedV1): z.infer<S> {
  const result = schema.safeParse(change.overlay?.data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new NonRetriableError(`overlay ${change.key}: data.${issue.path.join('.')}: ${issue.message}`);
}
