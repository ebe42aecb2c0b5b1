import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Principal } from '@live/auth';
import { BroadcastEntity } from '@live/management-data-access';
import { DataSource } from 'typeorm';
import { AppConfig } from '../app.config';
import { BroadcastsService } from '../broadcasts/broadcasts.service';
import { CouponsService } from '../coupons/coupons.service';
import { PollsService } from '../polls/polls.service';
import { ProductsService } from '../products/products.service';

export const DEMO_SELLER = 'demo-seller';
const system: Principal = { sub: 'demo-seed', name: 'demo seed', roles: ['admin'] };

/**
 * `SEED_DEMO=true` (npm run dev sets it): a demo show of `demo-seller` with three products,
 * a coupon and a poll, created through the same services as the API whenever there is no
 * demo show that has not ended.
 */
@Injectable()
export class SeedService implements OnApplicationBootstrap {
  private readonly logger = new Logger(SeedService.name);

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly broadcasts: BroadcastsService,
    private readonly products: ProductsService,
    private readonly coupons: CouponsService,
    private readonly polls: PollsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.SEED_DEMO) return;
    // one demo show that has not ended yet; once it has, the next start seeds a fresh one
    const existing = await this.dataSource
      .getRepository(BroadcastEntity)
      .createQueryBuilder('b')
      .where('b.seller_id = :seller AND b.title = :title AND b.status <> :ended', { seller: DEMO_SELLER, title: 'Demo show', ended: 'ended' })
      .getOne();
    if (existing) {
      this.logger.log(`demo show already seeded: ${existing.id} (${existing.status})`);
      return;
    }
    const show = await this.broadcasts.create(system, {
      title: 'Demo show',
      sellerId: DEMO_SELLER,
      scheduledAt: new Date(Date.now() + 10 * 60_000).toISOString(),
    });
    const items = [
      { name: 'Cast-iron pan 26cm', price: 39_000, stock: 120 },
      { name: 'Linen apron', price: 19_900, stock: 300 },
      { name: 'Chef knife', price: 89_000, stock: 40 },
    ];
    for (const item of items) {
      const p = await this.products.create(system, { ...item, currency: 'KRW', sellerId: DEMO_SELLER, imageUrl: null });
      await this.products.addToShow(system, show.id, { productId: p.id });
    }
    const now = Date.now();
    await this.coupons.create(system, show.id, {
      name: '10% off everything',
      discountType: 'percent',
      discountValue: 10,
      totalQuantity: 100,
      perUserLimit: 1,
      validFrom: new Date(now).toISOString(),
      validUntil: new Date(now + 24 * 3600_000).toISOString(),
    });
    await this.polls.create(system, show.id, { question: 'Which colour next?', options: ['Red', 'Black', 'Green'] });
    this.logger.log(`seeded the demo show ${show.id} of ${DEMO_SELLER} (3 products, a coupon, a poll)`);
  }
}
