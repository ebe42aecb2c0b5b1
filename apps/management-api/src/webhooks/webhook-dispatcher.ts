import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { currentCorrelationId } from '@live/logging';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { AppConfig } from '../app.config';
import { guardedLookup, hostOf, refusal } from './url-guard';

interface DueDelivery {
  id: string;
  endpoint_id: string;
  payload: unknown;
  attempts: number;
  url: string;
  secret: string;
}

interface Outcome {
  ok: boolean;
  status: number | null;
  error: string | null;
}

/** Delay before the next attempt after `attempts` failed ones, or undefined once the schedule is spent. */
export function nextDelayMs(schedule: readonly number[], attempts: number): number | undefined {
  return attempts >= 1 && attempts <= schedule.length ? schedule[attempts - 1] : undefined;
}

/**
 * Sends due webhook deliveries from management.webhook_deliveries. Several replicas share the
 * table: a delivery is leased with `FOR UPDATE SKIP LOCKED` (its next_attempt_at moves past the
 * timeout, so one whose sender died is retried: at least once). At most WEBHOOK_CONCURRENCY
 * requests are in flight per process, each bounded by WEBHOOK_TIMEOUT_MS, and none of it runs
 * on a request or consumer path: a slow or failing receiver slows nothing but its own deliveries.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private timer?: NodeJS.Timeout;
  private inflight = 0;
  private ticking = false;
  private again = false;
  private stopping = false;
  private readonly lookup;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {
    this.lookup = guardedLookup(config.WEBHOOK_ALLOWED_HOSTS);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), this.config.WEBHOOK_POLL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    // in-flight requests end within the timeout; their results are recorded
    await Promise.allSettled([...this.running]);
  }

  /** Look for due deliveries now (new events, a replay); cheap to call often. */
  kick(): void {
    if (this.stopping) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = true;
    void this.fill()
      .catch((err) => this.logger.warn(`webhook dispatch: ${err instanceof Error ? err.message : err}`))
      .finally(() => {
        this.ticking = false;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async fill(): Promise<void> {
    while (!this.stopping && this.inflight < this.config.WEBHOOK_CONCURRENCY) {
      const due = await this.lease(this.config.WEBHOOK_CONCURRENCY - this.inflight);
      if (due.length === 0) return;
      for (const d of due) {
        this.inflight++;
        const p = this.attempt(d)
          .catch((err) => this.logger.warn(`webhook ${d.id}: ${err instanceof Error ? err.message : err}`))
          .finally(() => {
            this.inflight--;
            this.running.delete(p);
            this.kick();
          });
        this.running.add(p);
      }
    }
  }

  private async lease(n: number): Promise<DueDelivery[]> {
    const leaseSeconds = Math.ceil((this.config.WEBHOOK_TIMEOUT_MS * 2) / 1000) + 5;
    const [rows]: [DueDelivery[]] = await this.dataSource.query(
      `UPDATE management.webhook_deliveries d
       SET attempts = d.attempts + 1, last_attempt_at = now(), next_attempt_at = now() + make_interval(secs => $2)
       FROM management.webhook_endpoints e
       WHERE e.id = d.endpoint_id AND d.id IN (
         SELECT d2.id FROM management.webhook_deliveries d2 JOIN management.webhook_endpoints e2 ON e2.id = d2.endpoint_id
         WHERE d2.status = 'pending' AND d2.next_attempt_at <= now() AND e2.enabled
         ORDER BY d2.next_attempt_at LIMIT $1 FOR UPDATE OF d2 SKIP LOCKED)
       RETURNING d.id, d.endpoint_id, d.payload, d.attempts, e.url, e.secret`,
      [n, leaseSeconds],
    );
    return rows;
  }

  private async attempt(d: DueDelivery): Promise<void> {
    const body = JSON.stringify(d.payload);
    const now = new Date();
    const signature = new Webhook(d.secret).sign(d.id, now, body);
    const outcome = await this.post(d.url, body, {
      'content-type': 'application/json',
      'user-agent': 'live-commerce-webhooks/1',
      'webhook-id': d.id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signature,
    });
    if (outcome.ok) {
      await this.dataSource.query(
        `UPDATE management.webhook_deliveries SET status = 'delivered', delivered_at = now(), last_status = $2, last_error = NULL, next_attempt_at = NULL WHERE id = $1`,
        [d.id, outcome.status],
      );
      await this.dataSource.query('UPDATE management.webhook_endpoints SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL', [d.endpoint_id]);
      return;
    }
    const delay = nextDelayMs(this.config.WEBHOOK_RETRY_SCHEDULE_MS, d.attempts);
    await this.dataSource.query(
      `UPDATE management.webhook_deliveries SET last_status = $2, last_error = $3,
         status = CASE WHEN $4::int IS NULL THEN 'failed' ELSE status END,
         next_attempt_at = CASE WHEN $4::int IS NULL THEN NULL ELSE now() + make_interval(secs => $4::int / 1000.0) END
       WHERE id = $1 AND status = 'pending'`,
      [d.id, outcome.status, outcome.error?.slice(0, 500) ?? null, delay ?? null],
    );
    await this.failing(d.endpoint_id, d.url);
  }

  /** An endpoint that has not had one success for WEBHOOK_DISABLE_AFTER_MS is disabled, with a notice. */
  private async failing(endpointId: string, url: string): Promise<void> {
    const [[row]] = await this.dataSource.query(
      `UPDATE management.webhook_endpoints SET failing_since = COALESCE(failing_since, now()) WHERE id = $1 RETURNING failing_since, enabled, seller_id`,
      [endpointId],
    );
    if (!row?.enabled || Date.now() - (row.failing_since as Date).getTime() < this.config.WEBHOOK_DISABLE_AFTER_MS) return;
    const reason = `failing since ${(row.failing_since as Date).toISOString()} without a successful delivery`;
    const [disabled] = await this.dataSource.query(
      `UPDATE management.webhook_endpoints SET enabled = false, disabled_at = now(), disabled_reason = $2 WHERE id = $1 AND enabled RETURNING id`,
      [endpointId, reason],
    );
    if (disabled.length === 0) return;
    // the notice: in the audit log (what the admin console shows) and the logs; the endpoint says why
    await this.dataSource.query(
      `INSERT INTO management.audit_log (actor_id, actor_roles, action, target_type, target_id, details, correlation_id)
       VALUES ('webhook-dispatcher', '{operator}', 'webhook.endpoint.disabled', 'webhook-endpoint', $1, $2::jsonb, $3)`,
      [endpointId, JSON.stringify({ url, sellerId: row.seller_id, reason }), currentCorrelationId() ?? null],
    );
    this.logger.warn({ endpointId, sellerId: row.seller_id, url, reason }, 'webhook endpoint disabled');
  }

  private post(raw: string, body: string, headers: Record<string, string>): Promise<Outcome> {
    return new Promise((resolve) => {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        return resolve({ ok: false, status: null, error: 'invalid URL' });
      }
      const host = hostOf(url);
      // an IP literal skips DNS (and so the guarded lookup): check it here
      const literal = isIP(host) ? refusal(host, host, this.config.WEBHOOK_ALLOWED_HOSTS) : undefined;
      if (literal) return resolve({ ok: false, status: null, error: `refused: ${literal}` });
      const client = url.protocol === 'https:' ? https : http;
      const req = client.request(
        url,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
          lookup: this.lookup,
          timeout: this.config.WEBHOOK_TIMEOUT_MS,
          signal: AbortSignal.timeout(this.config.WEBHOOK_TIMEOUT_MS),
          agent: false,
        },
        (res) => {
          res.resume(); // the body is not ours to read
          const status = res.statusCode ?? 0;
          resolve({ ok: status >= 200 && status < 300, status, error: status >= 200 && status < 300 ? null : `HTTP ${status}` });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.config.WEBHOOK_TIMEOUT_MS} ms`)));
      req.on('error', (err) => resolve({ ok: false, status: null, error: err.message }));
      req.end(body);
    });
  }
}
