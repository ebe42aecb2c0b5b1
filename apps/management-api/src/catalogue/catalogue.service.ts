import { Inject, Injectable } from '@nestjs/common';
import { CommonErrors } from '@live/errors';
import { Principal } from '@live/auth';
import { Overlay, OverlayKeys, PollTerms } from '@live/contracts';
import { BroadcastEntity, BroadcastProductEntity, CouponEntity, NoticeEntity, PollEntity, ProductEntity } from '@live/management-data-access';
import { DataSource, In } from 'typeorm';
import { AppConfig } from '../app.config';
import { assertCanManage } from '../common/access';
import { Page } from '../common/pagination';
import { couponView } from '../coupons/coupons.dto';
import { productView } from '../products/products.service';
import { CatalogueQuery, CatalogueStatus } from './catalogue.dto';

const toStatus = { upcoming: 'scheduled', live: 'live', ended: 'ended' } as const satisfies Record<CatalogueStatus, BroadcastEntity['status']>;
const fromStatus = { scheduled: 'upcoming', live: 'live', ended: 'ended' } as const satisfies Record<BroadcastEntity['status'], CatalogueStatus>;

/** What a viewer may see of a product: no seller-internal fields. */
export const publicProduct = (p: ProductEntity) => {
  const { id, name, price, currency, imageUrl, stock } = productView(p);
  return { id, name, price, currency, imageUrl, stock, inStock: stock > 0 };
};

export interface CatalogueCard {
  id: string;
  title: string;
  seller: { id: string; displayName: string };
  status: CatalogueStatus;
  scheduledAt: string;
  startedAt: string | null;
  endedAt: string | null;
  playback: { hls: string; dash: string | null; kind: 'live' | 'replay' } | null;
}

/**
 * The viewer-facing catalogue: public, read-only, no token. Nothing staff-only is in it: no
 * stream key, ingest URL, chat budget or audience estimate.
 */
@Injectable()
export class CatalogueService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  private playback(b: BroadcastEntity): CatalogueCard['playback'] {
    // live HLS while on air; the encoder's replay (HLS + DASH) once ended, ready or in the making
    if (b.status === 'live') return { kind: 'live', hls: `${this.config.PLAYBACK_BASE_URL}/${b.id}/master.m3u8`, dash: null };
    if (b.status === 'ended') return { kind: 'replay', hls: `${this.config.REPLAY_BASE_URL}/${b.id}/master.m3u8`, dash: `${this.config.REPLAY_BASE_URL}/${b.id}/manifest.mpd` };
    return null;
  }

  private async displayNames(sellerIds: string[]): Promise<Map<string, string>> {
    if (sellerIds.length === 0) return new Map();
    const rows: { seller_id: string; display_name: string }[] = await this.dataSource.query(
      'SELECT seller_id, display_name FROM management.seller_profiles WHERE seller_id = ANY($1::text[])',
      [[...new Set(sellerIds)]],
    );
    return new Map(rows.map((r) => [r.seller_id, r.display_name]));
  }

  private card(b: BroadcastEntity, names: Map<string, string>): CatalogueCard {
    return {
      id: b.id,
      title: b.title,
      seller: { id: b.sellerId, displayName: names.get(b.sellerId) ?? b.sellerId },
      status: fromStatus[b.status],
      scheduledAt: b.scheduledAt.toISOString(),
      startedAt: b.startedAt?.toISOString() ?? null,
      endedAt: b.endedAt?.toISOString() ?? null,
      playback: this.playback(b),
    };
  }

  /** Keyset pagination on (scheduled_at, id) in the asked order: stable while shows are added. */
  async list(q: CatalogueQuery): Promise<Page<CatalogueCard>> {
    const qb = this.dataSource.getRepository(BroadcastEntity).createQueryBuilder('b');
    if (q.status) qb.andWhere('b.status IN (:...statuses)', { statuses: q.status.map((s) => toStatus[s]) });
    if (q.sellerId) qb.andWhere('b.seller_id = :sellerId', { sellerId: q.sellerId });
    const cursor = decodeStartCursor(q.cursor);
    const dir = q.order === 'asc' ? 'ASC' : 'DESC';
    if (cursor) qb.andWhere(`(b.scheduled_at, b.id) ${q.order === 'asc' ? '>' : '<'} (:t, :cid)`, { t: cursor.t, cid: cursor.id });
    const rows = await qb.orderBy('b.scheduled_at', dir).addOrderBy('b.id', dir).take(q.limit + 1).getMany();
    const items = rows.slice(0, q.limit);
    const last = items[items.length - 1];
    const names = await this.displayNames(items.map((b) => b.sellerId));
    return {
      items: items.map((b) => this.card(b, names)),
      nextCursor: rows.length > q.limit && last ? Buffer.from(JSON.stringify({ t: last.scheduledAt.toISOString(), id: last.id })).toString('base64url') : null,
    };
  }

  async show(id: string) {
    const b = await this.dataSource.getRepository(BroadcastEntity).findOneBy({ id });
    if (!b) throw CommonErrors.notFound('broadcast', 'id');
    const names = await this.displayNames([b.sellerId]);
    const products = await this.products(id);
    const pinned = products.find((p) => p.pinned)?.product ?? null;
    return { ...this.card(b, names), pinnedProduct: pinned, overlays: b.status === 'live' ? await this.overlays(b, pinned) : [] };
  }

  async products(id: string) {
    const m = this.dataSource.manager;
    if (!(await m.getRepository(BroadcastEntity).existsBy({ id }))) throw CommonErrors.notFound('broadcast', 'id');
    const links = await m.getRepository(BroadcastProductEntity).find({ where: { broadcastId: id }, order: { position: 'ASC' } });
    const products = await m.getRepository(ProductEntity).findBy({ id: In(links.map((l) => l.productId)) });
    const byId = new Map(products.map((p) => [p.id, p]));
    return links.map((l) => ({ position: l.position, pinned: l.pinned, product: publicProduct(byId.get(l.productId)!) }));
  }

  /** What is on screen now, from management's own records (the same overlays viewers' sockets get). */
  private async overlays(b: BroadcastEntity, pinned: ReturnType<typeof publicProduct> | null): Promise<Omit<Overlay, 'shownAt'>[]> {
    const m = this.dataSource.manager;
    const now = new Date();
    const out: Omit<Overlay, 'shownAt'>[] = [];
    if (pinned) out.push({ key: OverlayKeys.pin, kind: 'product', id: pinned.id, data: pinned, expiresAt: null });
    const coupons = await m.getRepository(CouponEntity).findBy({ broadcastId: b.id, exposed: true });
    for (const c of coupons) {
      if (c.validUntil > now) out.push({ key: OverlayKeys.coupon(c.id), kind: 'coupon', id: c.id, data: couponView(c), expiresAt: c.validUntil.toISOString() });
    }
    const polls = await m.getRepository(PollEntity).findBy({ broadcastId: b.id, status: 'open' });
    for (const p of polls) out.push({ key: OverlayKeys.poll(p.id), kind: 'poll', id: p.id, data: { question: p.question, options: p.options } satisfies PollTerms, expiresAt: null });
    const notices = await m.getRepository(NoticeEntity).findBy({ broadcastId: b.id });
    for (const n of notices) {
      if (!n.clearedAt && (!n.expiresAt || n.expiresAt > now)) out.push({ key: OverlayKeys.notice(n.id), kind: 'notice', id: n.id, data: { text: n.text }, expiresAt: n.expiresAt?.toISOString() ?? null });
    }
    return out;
  }

  /** The name viewers see for a seller; the seller itself or staff set it. */
  async setProfile(user: Principal, sellerId: string, displayName: string) {
    assertCanManage(user, sellerId, "this seller's profile");
    await this.upsertProfile(sellerId, displayName);
    return { sellerId, displayName };
  }

  upsertProfile(sellerId: string, displayName: string): Promise<unknown> {
    return this.dataSource.query(
      `INSERT INTO management.seller_profiles (seller_id, display_name) VALUES ($1, $2)
       ON CONFLICT (seller_id) DO UPDATE SET display_name = EXCLUDED.display_name, updated_at = now()`,
      [sellerId, displayName],
    );
  }
}

function decodeStartCursor(cursor: string | undefined): { t: string; id: string } | undefined {
  if (!cursor) return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { t: string; id: string };
    if (typeof v.t === 'string' && typeof v.id === 'string' && !Number.isNaN(Date.parse(v.t)) && /^[0-9a-f-]{36}$/.test(v.id)) return v;
  } catch {
    // fall through
  }
  throw CommonErrors.validation('cursor', 'cursor is not one this API handed out');
}
