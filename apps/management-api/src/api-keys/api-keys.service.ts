import { Injectable } from '@nestjs/common';
import { CommonErrors } from '@live/errors';
import { Principal } from '@live/auth';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { assertCanManage, isStaff } from '../common/access';
import { ManagementTx } from '../outbox/management-tx';
import { CreateApiKey, ApiKeyQuery } from './api-keys.dto';

/** `lck_<8 hex: the lookup prefix>_<32 random bytes, base64url>`; only its sha256 is stored. */
const KEY_FORMAT = /^lck_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;

/** Who an API key speaks for: one seller, as a seller. */
export interface ApiKeyPrincipal extends Principal {
  apiKeyId: string;
}

interface ApiKeyRow {
  id: string;
  seller_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  created_by: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();

const view = (r: ApiKeyRow) => ({
  id: r.id,
  sellerId: r.seller_id,
  name: r.name,
  prefix: `lck_${r.prefix}`,
  createdAt: r.created_at.toISOString(),
  lastUsedAt: r.last_used_at?.toISOString() ?? null,
  revokedAt: r.revoked_at?.toISOString() ?? null,
});

/**
 * Shop API keys: 256 random bits, shown once at creation, stored as sha256 (a leaked table
 * gives no usable key), looked up by a short visible prefix, revocable at once, one seller each.
 */
@Injectable()
export class ApiKeysService {
  // last_used_at is a hint, not a ledger: written at most once a minute per key
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: ManagementTx,
  ) {}

  async create(user: Principal, dto: CreateApiKey) {
    const sellerId = dto.sellerId ?? user.sub;
    if (!isStaff(user) && sellerId !== user.sub) throw CommonErrors.forbidden('a seller creates API keys for itself only');
    if (isStaff(user) && !dto.sellerId) throw CommonErrors.validation('sellerId', 'sellerId: required when an operator creates an API key');
    const prefix = randomBytes(4).toString('hex');
    const key = `lck_${prefix}_${randomBytes(32).toString('base64url')}`;
    const id = randomUUID();
    return this.tx.run(user, async ({ m, audit }) => {
      const [row] = await m.query(
        `INSERT INTO management.api_keys (id, seller_id, name, prefix, key_hash, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
        [id, sellerId, dto.name, prefix, sha256(key).toString('hex'), user.sub],
      );
      audit('api-key.create', { type: 'api-key', id }, { sellerId, name: dto.name, prefix: `lck_${prefix}` });
      // the only time the key is ever shown
      return { ...view(row as ApiKeyRow), key };
    });
  }

  async list(user: Principal, q: ApiKeyQuery) {
    const sellerId = isStaff(user) ? q.sellerId : user.sub;
    const rows: ApiKeyRow[] = await this.dataSource.query(
      `SELECT * FROM management.api_keys WHERE ($1::text IS NULL OR seller_id = $1) ORDER BY created_at DESC LIMIT 200`,
      [sellerId ?? null],
    );
    return rows.map(view);
  }

  async revoke(user: Principal, id: string) {
    return this.tx.run(user, async ({ m, audit }) => {
      const [row]: ApiKeyRow[] = await m.query('SELECT * FROM management.api_keys WHERE id = $1 FOR UPDATE', [id]);
      if (!row) throw CommonErrors.notFound('API key', 'id');
      assertCanManage(user, row.seller_id, 'this API key');
      if (!row.revoked_at) {
        const [updated]: ApiKeyRow[] = (await m.query('UPDATE management.api_keys SET revoked_at = now() WHERE id = $1 RETURNING *', [id]))[0];
        audit('api-key.revoke', { type: 'api-key', id }, { sellerId: row.seller_id });
        return view(updated);
      }
      return view(row);
    });
  }

  /** The seller a presented key speaks for, or undefined (unknown, malformed or revoked). */
  async verify(presented: string): Promise<ApiKeyPrincipal | undefined> {
    const match = KEY_FORMAT.exec(presented);
    if (!match) return undefined;
    const [row]: ApiKeyRow[] = await this.dataSource.query('SELECT * FROM management.api_keys WHERE prefix = $1', [match[1]]);
    if (!row || row.revoked_at) return undefined;
    if (!timingSafeEqual(Buffer.from(row.key_hash, 'hex'), sha256(presented))) return undefined;
    const now = Date.now();
    if ((this.touched.get(row.id) ?? 0) < now - 60_000) {
      this.touched.set(row.id, now);
      void this.dataSource.query('UPDATE management.api_keys SET last_used_at = now() WHERE id = $1', [row.id]).catch(() => undefined);
    }
    return { sub: row.seller_id, name: `api-key:${row.name}`, roles: ['seller'], apiKeyId: row.id };
  }
}
