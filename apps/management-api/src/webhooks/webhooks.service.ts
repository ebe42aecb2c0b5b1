import { Inject, Injectable } from '@nestjs/common';
import { CommonErrors } from '@live/errors';
import { Principal } from '@live/auth';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '../app.config';
import { assertCanManage, isStaff } from '../common/access';
import { ManagementTx } from '../outbox/management-tx';
import { WebhookEvent } from './webhook-events';
import { checkWebhookUrl } from './url-guard';
import { CreateEndpoint, DeliveryQuery, EndpointQuery, UpdateEndpoint } from './webhooks.dto';
import { WebhookErrors } from './webhooks.errors';

export interface EndpointRow {
  id: string;
  seller_id: string | null;
  url: string;
  description: string;
  secret: string;
  event_types: string[];
  enabled: boolean;
  failing_since: Date | null;
  disabled_at: Date | null;
  disabled_reason: string | null;
  created_by: string;
  created_at: Date;
}

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  payload: unknown;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

const endpointView = (e: EndpointRow, stats?: { pending: number; failed: number; delivered: number; last_status: number | null; last_attempt_at: Date | null }) => ({
  id: e.id,
  sellerId: e.seller_id,
  scope: e.seller_id ? 'seller' : 'platform',
  url: e.url,
  description: e.description,
  eventTypes: e.event_types,
  enabled: e.enabled,
  failingSince: iso(e.failing_since),
  disabledAt: iso(e.disabled_at),
  disabledReason: e.disabled_reason,
  createdAt: e.created_at.toISOString(),
  ...(stats
    ? { deliveries: { pending: Number(stats.pending), failed: Number(stats.failed), delivered: Number(stats.delivered) }, lastStatus: stats.last_status, lastAttemptAt: iso(stats.last_attempt_at) }
    : {}),
});

const deliveryView = (d: DeliveryRow) => ({
  id: d.id,
  eventId: d.event_id,
  eventType: d.event_type,
  status: d.status,
  attempts: d.attempts,
  lastStatus: d.last_status,
  lastError: d.last_error,
  lastAttemptAt: iso(d.last_attempt_at),
  nextAttemptAt: d.status === 'pending' ? iso(d.next_attempt_at) : null,
  deliveredAt: iso(d.delivered_at),
  createdAt: d.created_at.toISOString(),
  payload: d.payload,
});

/** Webhook endpoints of sellers (and platform-wide ones of admins), and their deliveries. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: ManagementTx,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  private async assertUrl(url: string): Promise<void> {
    const why = await checkWebhookUrl(url, this.config.WEBHOOK_ALLOWED_HOSTS);
    if (why) throw WebhookErrors.urlRefused(why);
  }

  private async managed(user: Principal, id: string): Promise<EndpointRow> {
    const [e]: EndpointRow[] = await this.dataSource.query('SELECT * FROM management.webhook_endpoints WHERE id = $1', [id]);
    if (!e) throw CommonErrors.notFound('webhook endpoint', 'id');
    if (e.seller_id === null) {
      if (!isStaff(user)) throw CommonErrors.forbidden('platform-wide endpoints are for admins and operators');
    } else assertCanManage(user, e.seller_id, 'this webhook endpoint');
    return e;
  }

  /** The signing secret is in this answer (and from GET .../secret to the endpoint's owner). */
  async create(user: Principal, dto: CreateEndpoint) {
    let sellerId: string | null = dto.sellerId ?? user.sub;
    if (!isStaff(user) && sellerId !== user.sub) throw CommonErrors.forbidden('a seller registers endpoints for itself only');
    if (isStaff(user) && !dto.sellerId) {
      if (!user.roles.includes('admin')) throw CommonErrors.forbidden('platform-wide endpoints are for admins');
      sellerId = null;
    }
    await this.assertUrl(dto.url);
    const id = randomUUID();
    // Standard Webhooks secret: whsec_ + base64 of 32 random bytes
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    return this.tx.run(user, async ({ m, audit }) => {
      const [row]: EndpointRow[] = await m.query(
        `INSERT INTO management.webhook_endpoints (id, seller_id, url, description, secret, event_types, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
        [id, sellerId, dto.url, dto.description, secret, dto.eventTypes, user.sub],
      );
      audit('webhook.endpoint.create', { type: 'webhook-endpoint', id }, { sellerId, url: dto.url, eventTypes: dto.eventTypes });
      return { ...endpointView(row), secret };
    });
  }

  list(user: Principal, q: EndpointQuery) {
    return this.withStats(isStaff(user) ? (q.sellerId ?? null) : user.sub, null);
  }

  /** Endpoints with their delivery counts and last attempt: what an owner checks first. */
  private async withStats(sellerId: string | null, id: string | null) {
    const rows: (EndpointRow & { pending: number; failed: number; delivered: number; last_status: number | null; last_attempt_at: Date | null })[] =
      await this.dataSource.query(
        `SELECT e.*,
           (SELECT count(*) FROM management.webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'pending') AS pending,
           (SELECT count(*) FROM management.webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'failed') AS failed,
           (SELECT count(*) FROM management.webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'delivered') AS delivered,
           l.last_status, l.last_attempt_at
         FROM management.webhook_endpoints e
         LEFT JOIN LATERAL (SELECT last_status, last_attempt_at FROM management.webhook_deliveries d
                            WHERE d.endpoint_id = e.id AND d.last_attempt_at IS NOT NULL ORDER BY d.last_attempt_at DESC LIMIT 1) l ON true
         WHERE ($1::text IS NULL OR e.seller_id = $1) AND ($2::uuid IS NULL OR e.id = $2) ORDER BY e.created_at DESC LIMIT 100`,
        [sellerId, id],
      );
    return rows.map((r) => endpointView(r, r));
  }

  async get(user: Principal, id: string) {
    await this.managed(user, id);
    const [e] = await this.withStats(null, id);
    return e;
  }

  async secret(user: Principal, id: string) {
    const e = await this.managed(user, id);
    return { id: e.id, secret: e.secret };
  }

  async update(user: Principal, id: string, dto: UpdateEndpoint) {
    await this.managed(user, id);
    if (dto.url) await this.assertUrl(dto.url);
    return this.tx.run(user, async ({ m, audit }) => {
      const [[row]]: [EndpointRow[]] = await m.query(
        `UPDATE management.webhook_endpoints SET
           url = COALESCE($2, url), event_types = COALESCE($3, event_types), description = COALESCE($4, description),
           enabled = COALESCE($5, enabled),
           disabled_at = CASE WHEN $5 IS NULL THEN disabled_at WHEN $5 THEN NULL ELSE now() END,
           disabled_reason = CASE WHEN $5 IS NULL THEN disabled_reason WHEN $5 THEN NULL ELSE 'disabled by ' || $6 END,
           failing_since = CASE WHEN $5 THEN NULL ELSE failing_since END
         WHERE id = $1 RETURNING *`,
        [id, dto.url ?? null, dto.eventTypes ?? null, dto.description ?? null, dto.enabled ?? null, user.sub],
      );
      audit('webhook.endpoint.update', { type: 'webhook-endpoint', id }, dto);
      return endpointView(row);
    });
  }

  async remove(user: Principal, id: string) {
    await this.managed(user, id);
    return this.tx.run(user, async ({ m, audit }) => {
      await m.query('DELETE FROM management.webhook_endpoints WHERE id = $1', [id]);
      audit('webhook.endpoint.delete', { type: 'webhook-endpoint', id });
      return { id, deleted: true };
    });
  }

  async deliveries(user: Principal, id: string, q: DeliveryQuery) {
    await this.managed(user, id);
    const rows: DeliveryRow[] = await this.dataSource.query(
      `SELECT * FROM management.webhook_deliveries WHERE endpoint_id = $1 AND ($2::text IS NULL OR status = $2) ORDER BY created_at DESC LIMIT $3`,
      [id, q.status ?? null, q.limit],
    );
    return rows.map(deliveryView);
  }

  /** Sends a delivery again from the start of the schedule, with the same webhook-id (receivers dedupe on it). */
  async replay(user: Principal, id: string, deliveryId: string) {
    await this.managed(user, id);
    const [rows]: [DeliveryRow[]] = await this.dataSource.query(
      `UPDATE management.webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(), delivered_at = NULL
       WHERE id = $1 AND endpoint_id = $2 RETURNING *`,
      [deliveryId, id],
    );
    if (rows.length === 0) throw CommonErrors.notFound('delivery', 'deliveryId');
    return deliveryView(rows[0]);
  }

  /**
   * The outbox side: one pending delivery per enabled subscribed endpoint (the seller's and the
   * platform-wide ones) and event; a redelivered event inserts nothing (unique endpoint+event).
   * One statement for the whole batch, not one per event: a coupon drop is a thousand claim
   * events in a second, and a round trip each (even when no endpoint wants them) was most of
   * management-api's CPU, and much of Postgres', in the drop (docs/benchmarks.md, #17 round 10).
   * Deliveries are due in the batch's order (a microsecond apart), as when each had its own.
   */
  async enqueue(events: WebhookEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO management.webhook_deliveries (id, endpoint_id, event_id, event_type, payload, status, next_attempt_at)
       SELECT 'msg_' || replace(gen_random_uuid()::text, '-', ''), ep.id, e.event_id, e.event_type, e.payload::jsonb, 'pending',
              now() + (e.n - 1) * interval '1 microsecond'
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS e (event_id, event_type, payload, seller_id, n)
       JOIN management.webhook_endpoints ep
         ON ep.enabled AND (ep.seller_id = e.seller_id OR ep.seller_id IS NULL) AND e.event_type = ANY (ep.event_types)
       ORDER BY e.n
       ON CONFLICT (endpoint_id, event_id) DO NOTHING RETURNING id`,
      [
        events.map((e) => e.eventId),
        events.map((e) => e.type),
        events.map((e) => JSON.stringify({ type: e.type, timestamp: e.timestamp, data: e.data })),
        events.map((e) => e.sellerId),
      ],
    );
    return rows.length;
  }
}
