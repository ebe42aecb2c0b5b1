import { CommonErrors } from '@live/errors';
import { z } from 'zod';

export const PageQuery = {
  limit: z.coerce.number({ error: 'must be a number' }).int().min(1, 'must be 1-100').max(100, 'must be 1-100').default(20),
  cursor: z.string().max(200).optional(),
};

export interface Page<T> {
  items: T[];
  /** pass back as `cursor` for the next page; null on the last one */
  nextCursor: string | null;
}

interface CursorValue {
  t: string;
  id: string;
}

/** Keyset pagination on (created_at DESC, id DESC): stable while rows are added. */
export function decodeCursor(cursor: string | undefined): CursorValue | undefined {
  if (!cursor) return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorValue;
    if (typeof v.t === 'string' && typeof v.id === 'string' && !Number.isNaN(Date.parse(v.t))) return v;
  } catch {
    // fall through
  }
  throw CommonErrors.validation('cursor', 'cursor is not one this API handed out');
}

export function toPage<T extends { createdAt: Date; id: string }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor:
      rows.length > limit && last ? Buffer.from(JSON.stringify({ t: last.createdAt.toISOString(), id: last.id })).toString('base64url') : null,
  };
}
