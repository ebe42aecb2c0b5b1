import { useMemo } from 'react';
import { useAuth } from './auth';
import type { WebConfig } from './config';

/** A refusal as the platform answers it: `{ code, message, field?, correlationId }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export type Service = 'managementApi' | 'analyticsApi' | 'encoderApi';

async function call<T>(base: string, token: string | undefined, method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', `cannot reach ${base}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = { message: text };
  }
  if (!res.ok) {
    const e = (parsed ?? {}) as { code?: string; message?: string; field?: string };
    throw new ApiError(res.status, e.code ?? `HTTP_${res.status}`, e.message ?? res.statusText, e.field);
  }
  return parsed as T;
}

/** REST calls as the signed-in user. */
export function useApi(config: WebConfig) {
  const { identity } = useAuth();
  const token = identity?.token;
  return useMemo(() => {
    const on = (service: Service) => {
      const base = config[service];
      const go = <T,>(method: string, path: string, body?: unknown) => {
        if (!base) return Promise.reject(new ApiError(0, 'NOT_CONFIGURED', `${service} is not configured`));
        return call<T>(base, token, method, path, body);
      };
      return {
        get: <T,>(path: string) => go<T>('GET', path),
        post: <T,>(path: string, body?: unknown) => go<T>('POST', path, body),
        put: <T,>(path: string, body?: unknown) => go<T>('PUT', path, body),
        patch: <T,>(path: string, body?: unknown) => go<T>('PATCH', path, body),
        del: <T,>(path: string) => go<T>('DELETE', path),
      };
    };
    return { management: on('managementApi'), analytics: on('analyticsApi'), encoder: on('encoderApi') };
  }, [config, token]);
}

export type Api = ReturnType<typeof useApi>;

export interface Broadcast {
  id: string;
  title: string;
  sellerId: string;
  scheduledAt: string;
  status: 'scheduled' | 'live' | 'ended';
  startedAt: string | null;
  endedAt: string | null;
  chat: { slowModeSeconds: number; displayBudgetPerSecond: number | null };
  createdAt: string;
}
export interface Product {
  id: string;
  sellerId: string;
  name: string;
  price: number;
  currency: string;
  imageUrl: string | null;
  stock: number;
}
export interface ShowProduct {
  position: number;
  pinned: boolean;
  product: Product;
}
export interface Coupon {
  id: string;
  name: string;
  discountType: 'percent' | 'amount';
  discountValue: number;
  currency: string | null;
  totalQuantity: number;
  perUserLimit: number;
  validFrom: string;
  validUntil: string;
  exposed: boolean;
}
export interface Poll {
  id: string;
  question: string;
  options: string[];
  status: 'draft' | 'open' | 'closed';
}
export interface Notice {
  id: string;
  text: string;
  expiresAt?: string | null;
  clearedAt?: string | null;
}
export interface Ban {
  id: string;
  userId: string;
  reason: string;
  until: string | null;
}
