import { randomUUID } from 'node:crypto';
import { AppProcess, Http, Viewer, http, tokenFor } from '@live/testing';

/** management-api (to run shows), burst-api and a ws-gateway, with a seller and viewers. */
export class BurstStack {
  management!: AppProcess;
  burst!: AppProcess;
  gateway!: AppProcess;
  seller!: Http;
  readonly sellerId = `seller-${randomUUID()}`;
  private readonly viewers: Viewer[] = [];

  async start(): Promise<this> {
    [this.management, this.burst, this.gateway] = await Promise.all([
      AppProcess.start('management-api'),
      AppProcess.start('burst-api'),
      AppProcess.start('ws-gateway'),
    ]);
    this.seller = http(this.management.url, tokenFor(this.sellerId, ['seller']));
    return this;
  }

  async stop(): Promise<void> {
    this.viewers.forEach((v) => v.close());
    await Promise.all([this.management, this.burst, this.gateway].map((a) => a?.stop()));
  }

  /** A coupon of the show (not exposed yet), on sale from a minute ago for an hour; its id. */
  async coupon(show: string, totalQuantity: number, perUserLimit = 1): Promise<string> {
    const now = Date.now();
    const res = await this.seller.post(`/v1/broadcasts/${show}/coupons`, {
      name: 'flash',
      discountType: 'percent',
      discountValue: 30,
      totalQuantity,
      perUserLimit,
      validFrom: new Date(now - 60_000).toISOString(),
      validUntil: new Date(now + 3600_000).toISOString(),
    });
    return res.body.id as string;
  }

  /** burst-api as one viewer */
  as(userId: string): Http {
    return http(this.burst.url, tokenFor(userId, ['viewer']));
  }

  /** an anonymous socket on the gateway */
  viewer(): Viewer {
    const v = new Viewer(this.gateway.url);
    this.viewers.push(v);
    return v;
  }
}
