import { Injectable } from '@nestjs/common';
import { CommonErrors } from '@live/errors';
import { Principal } from '@live/auth';
import { Overlay, Topics, OverlayKeys } from '@live/contracts';
import { BroadcastProductEntity, ProductEntity } from '@live/management-data-access';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import { BroadcastsService } from '../broadcasts/broadcasts.service';
import { ManagementErrors, assertCanManage, isStaff } from '../common/access';
import { Page, decodeCursor, toPage } from '../common/pagination';
import { ManagementTx, TxContext } from '../outbox/management-tx';
import { AddShowProduct, CreateProduct, ProductQuery, ReserveStock, UpdateProduct } from './products.dto';

export const productView = (p: ProductEntity) => ({
  id: p.id,
  sellerId: p.sellerId,
  name: p.name,
  price: Number(p.price),
  currency: p.currency,
  imageUrl: p.imageUrl,
  stock: p.stock,
  createdAt: p.createdAt.toISOString(),
});

const pinOverlay = (p: ProductEntity): Overlay => ({
  key: OverlayKeys.pin,
  kind: 'product',
  id: p.id,
  data: productView(p),
  expiresAt: null,
  shownAt: new Date().toISOString(),
});

@Injectable()
export class ProductsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: ManagementTx,
    private readonly broadcasts: BroadcastsService,
  ) {}

  private async getManaged(user: Principal, id: string, m: EntityManager = this.dataSource.manager, field = 'id') {
    const p = await m.getRepository(ProductEntity).findOneBy({ id });
    if (!p) throw CommonErrors.notFound('product', field);
    assertCanManage(user, p.sellerId, 'this product');
    return p;
  }

  async create(user: Principal, dto: CreateProduct) {
    const sellerId = dto.sellerId ?? user.sub;
    if (!isStaff(user) && sellerId !== user.sub) throw CommonErrors.forbidden('a seller creates products for itself only');
    if (isStaff(user) && !dto.sellerId) throw CommonErrors.validation('sellerId', 'sellerId: required when an operator creates a product');
    return this.tx.run(user, async ({ m, audit }) => {
      const id = randomUUID();
      await m.getRepository(ProductEntity).insert({
        id,
        sellerId,
        name: dto.name,
        price: dto.price.toFixed(2),
        currency: dto.currency,
        imageUrl: dto.imageUrl ?? null,
        stock: dto.stock,
      });
      audit('product.create', { type: 'product', id }, { name: dto.name });
      return productView(await m.getRepository(ProductEntity).findOneByOrFail({ id }));
    });
  }

  async list(user: Principal, q: ProductQuery): Promise<Page<ReturnType<typeof productView>>> {
    const qb = this.dataSource.getRepository(ProductEntity).createQueryBuilder('p');
    const sellerId = isStaff(user) ? q.sellerId : user.sub;
    if (sellerId) qb.andWhere('p.seller_id = :sellerId', { sellerId });
    const cursor = decodeCursor(q.cursor);
    if (cursor) qb.andWhere('(p.created_at, p.id) < (:t, :cid)', { t: cursor.t, cid: cursor.id });
    const rows = await qb.orderBy('p.created_at', 'DESC').addOrderBy('p.id', 'DESC').take(q.limit + 1).getMany();
    const page = toPage(rows, q.limit);
    return { items: page.items.map(productView), nextCursor: page.nextCursor };
  }

  async get(user: Principal, id: string) {
    return productView(await this.getManaged(user, id));
  }

  async update(user: Principal, id: string, dto: UpdateProduct) {
    return this.tx.run(user, async ({ m, emit, audit }) => {
      const p = await this.getManaged(user, id, m);
      if (dto.name !== undefined) p.name = dto.name;
      if (dto.price !== undefined) p.price = dto.price.toFixed(2);
      if (dto.currency !== undefined) p.currency = dto.currency;
      if (dto.imageUrl !== undefined) p.imageUrl = dto.imageUrl;
      if (dto.stock !== undefined) p.stock = dto.stock;
      await m.getRepository(ProductEntity).save(p);
      await this.refreshPinned(m, emit, p);
      audit('product.update', { type: 'product', id }, dto);
      return productView(p);
    });
  }

  /**
   * Shows where the product is pinned and not over get the overlay again with the new values
   * (same slot key: viewers' sockets replace it), in the same transaction as the change.
   */
  private async refreshPinned(m: EntityManager, emit: TxContext['emit'], p: ProductEntity): Promise<void> {
    const shows: { broadcast_id: string }[] = await m.query(
      `SELECT bp.broadcast_id FROM management.broadcast_products bp JOIN management.broadcasts b ON b.id = bp.broadcast_id
       WHERE bp.product_id = $1 AND bp.pinned AND b.status <> 'ended'`,
      [p.id],
    );
    for (const { broadcast_id: broadcastId } of shows) {
      emit(Topics.OverlayChanged, broadcastId, { broadcastId, action: 'show', key: OverlayKeys.pin, overlay: pinOverlay(p) });
    }
  }

  /**
   * Takes `quantity` from the stock for the shop's reservation: atomic (one conditional UPDATE,
   * never below zero: 409 OUT_OF_STOCK) and idempotent by reservationId (a retry answers the
   * same reservation and takes nothing more).
   */
  async reserve(user: Principal, productId: string, dto: ReserveStock) {
    return this.tx.run(user, async ({ m, emit, audit }) => {
      await this.getManaged(user, productId, m);
      const inserted = await m.query(
        `INSERT INTO management.stock_reservations (product_id, reservation_id, quantity, status) VALUES ($1, $2, $3, 'reserved')
         ON CONFLICT DO NOTHING RETURNING reservation_id`,
        [productId, dto.reservationId, dto.quantity],
      );
      if (inserted.length === 0) {
        const existing = await this.reservation(m, productId, dto.reservationId);
        if (existing.quantity !== dto.quantity) {
          throw ManagementErrors.conflict('RESERVATION_MISMATCH', 'this reservationId was used with another quantity', 'reservationId');
        }
        return { ...existing, replayed: true };
      }
      const [rows] = await m.query('UPDATE management.products SET stock = stock - $2 WHERE id = $1 AND stock >= $2 RETURNING *', [productId, dto.quantity]);
      if (rows.length === 0) throw ManagementErrors.conflict('OUT_OF_STOCK', 'not enough stock for this reservation', 'quantity');
      const p = await m.getRepository(ProductEntity).findOneByOrFail({ id: productId });
      await this.refreshPinned(m, emit, p);
      audit('product.stock.reserve', { type: 'product', id: productId }, { reservationId: dto.reservationId, quantity: dto.quantity });
      return { ...(await this.reservation(m, productId, dto.reservationId)), replayed: false };
    });
  }

  /** Gives a reservation's quantity back to the stock once; releasing it again changes nothing. */
  async release(user: Principal, productId: string, reservationId: string) {
    return this.tx.run(user, async ({ m, emit, audit }) => {
      await this.getManaged(user, productId, m);
      const [rows] = await m.query(
        `UPDATE management.stock_reservations SET status = 'released', released_at = now()
         WHERE product_id = $1 AND reservation_id = $2 AND status = 'reserved' RETURNING quantity`,
        [productId, reservationId],
      );
      if (rows.length > 0) {
        await m.query('UPDATE management.products SET stock = stock + $2 WHERE id = $1', [productId, rows[0].quantity]);
        const p = await m.getRepository(ProductEntity).findOneByOrFail({ id: productId });
        await this.refreshPinned(m, emit, p);
        audit('product.stock.release', { type: 'product', id: productId }, { reservationId });
      }
      return { ...(await this.reservation(m, productId, reservationId)), replayed: rows.length === 0 };
    });
  }

  private async reservation(m: EntityManager, productId: string, reservationId: string) {
    const [r] = await m.query(
      `SELECT r.reservation_id, r.quantity, r.status, r.created_at, r.released_at, p.stock
       FROM management.stock_reservations r JOIN management.products p ON p.id = r.product_id
       WHERE r.product_id = $1 AND r.reservation_id = $2`,
      [productId, reservationId],
    );
    if (!r) throw CommonErrors.notFound('reservation', 'reservationId');
    return {
      productId,
      reservationId: r.reservation_id as string,
      quantity: r.quantity as number,
      status: r.status as 'reserved' | 'released',
      createdAt: (r.created_at as Date).toISOString(),
      releasedAt: (r.released_at as Date | null)?.toISOString() ?? null,
      stock: r.stock as number,
    };
  }

  // ---- the products of a show

  async listForShow(user: Principal, broadcastId: string) {
    await this.broadcasts.getManaged(user, broadcastId);
    return this.showProducts(this.dataSource.manager, broadcastId);
  }

  private async showProducts(m: EntityManager, broadcastId: string) {
    const links = await m.getRepository(BroadcastProductEntity).find({ where: { broadcastId }, order: { position: 'ASC' } });
    const products = await m.getRepository(ProductEntity).findBy({ id: In(links.map((l) => l.productId)) });
    const byId = new Map(products.map((p) => [p.id, p]));
    return links.map((l) => ({ position: l.position, pinned: l.pinned, product: productView(byId.get(l.productId)!) }));
  }

  async addToShow(user: Principal, broadcastId: string, dto: AddShowProduct) {
    return this.tx.run(user, async ({ m, audit }) => {
      const b = await this.broadcasts.getManaged(user, broadcastId, m, true);
      const p = await m.getRepository(ProductEntity).findOneBy({ id: dto.productId });
      if (!p) throw CommonErrors.notFound('product', 'productId');
      if (p.sellerId !== b.sellerId) throw ManagementErrors.conflict('NOT_SELLERS_PRODUCT', "a show sells its own seller's products", 'productId');
      const repo = m.getRepository(BroadcastProductEntity);
      if (await repo.findOneBy({ broadcastId, productId: p.id })) {
        throw ManagementErrors.conflict('ALREADY_IN_SHOW', 'the product is already in this show', 'productId');
      }
      const count = await repo.countBy({ broadcastId });
      const position = Math.min(dto.position ?? count, count);
      await m.query(
        'UPDATE management.broadcast_products SET position = position + 1 WHERE broadcast_id = $1 AND position >= $2',
        [broadcastId, position],
      );
      await repo.insert({ broadcastId, productId: p.id, position, pinned: false });
      audit('show.product.add', { type: 'product', id: p.id, broadcastId }, { position });
      return this.showProducts(m, broadcastId);
    });
  }

  async reorder(user: Principal, broadcastId: string, productIds: string[]) {
    return this.tx.run(user, async ({ m, audit }) => {
      await this.broadcasts.getManaged(user, broadcastId, m, true);
      const repo = m.getRepository(BroadcastProductEntity);
      const current = await repo.findBy({ broadcastId });
      const known = new Set(current.map((c) => c.productId));
      if (productIds.length !== known.size || productIds.some((id) => !known.has(id))) {
        throw CommonErrors.validation('productIds', "productIds: must list each of the show's products exactly once");
      }
      for (const [position, productId] of productIds.entries()) await repo.update({ broadcastId, productId }, { position });
      audit('show.product.reorder', { type: 'broadcast', id: broadcastId, broadcastId }, { productIds });
      return this.showProducts(m, broadcastId);
    });
  }

  async removeFromShow(user: Principal, broadcastId: string, productId: string) {
    return this.tx.run(user, async ({ m, emit, audit }) => {
      await this.broadcasts.getManaged(user, broadcastId, m, true);
      const repo = m.getRepository(BroadcastProductEntity);
      const link = await repo.findOneBy({ broadcastId, productId });
      if (!link) throw CommonErrors.notFound('product in this show', 'productId');
      await repo.delete({ broadcastId, productId });
      await m.query('UPDATE management.broadcast_products SET position = position - 1 WHERE broadcast_id = $1 AND position > $2', [
        broadcastId,
        link.position,
      ]);
      if (link.pinned) emit(Topics.OverlayChanged, broadcastId, { broadcastId, action: 'hide', key: OverlayKeys.pin, overlay: null });
      audit('show.product.remove', { type: 'product', id: productId, broadcastId });
      return this.showProducts(m, broadcastId);
    });
  }

  /** One pinned product per show: pinning another replaces the overlay. */
  async pin(user: Principal, broadcastId: string, productId: string, pinned: boolean) {
    return this.tx.run(user, async ({ m, emit, audit }) => {
      await this.broadcasts.getManaged(user, broadcastId, m, true);
      const repo = m.getRepository(BroadcastProductEntity);
      const link = await repo.findOneBy({ broadcastId, productId });
      if (!link) throw CommonErrors.notFound('product in this show', 'productId');
      if (pinned) {
        await repo.update({ broadcastId, pinned: true }, { pinned: false });
        await repo.update({ broadcastId, productId }, { pinned: true });
        const p = await m.getRepository(ProductEntity).findOneByOrFail({ id: productId });
        emit(Topics.OverlayChanged, broadcastId, { broadcastId, action: 'show', key: OverlayKeys.pin, overlay: pinOverlay(p) });
      } else {
        if (!link.pinned) throw ManagementErrors.conflict('NOT_PINNED', 'the product is not pinned', 'productId');
        await repo.update({ broadcastId, productId }, { pinned: false });
        emit(Topics.OverlayChanged, broadcastId, { broadcastId, action: 'hide', key: OverlayKeys.pin, overlay: null });
      }
      audit(pinned ? 'show.product.pin' : 'show.product.unpin', { type: 'product', id: productId, broadcastId });
      return this.showProducts(m, broadcastId);
    });
  }
}
