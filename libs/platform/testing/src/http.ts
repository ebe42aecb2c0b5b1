import { Role } from '@live/contracts';
import { signAccessToken } from '@live/auth';
import { testEnv } from './test-env';

export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export function tokenFor(sub: string, roles: Role[], name = sub): string {
  return signAccessToken({ sub, name, roles }, testEnv().jwtSecret);
}

/** A small JSON client for tests: `http(url).as(token).post('/v1/x', body)`. */
export function http(baseUrl: string, token?: string) {
  const call = async <T = any>(method: string, path: string, body?: unknown, raw?: string): Promise<HttpResult<T>> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  };
  return {
    as: (t: string) => http(baseUrl, t),
    get: <T = any>(path: string) => call<T>('GET', path),
    post: <T = any>(path: string, body?: unknown) => call<T>('POST', path, body),
    put: <T = any>(path: string, body?: unknown) => call<T>('PUT', path, body),
    patch: <T = any>(path: string, body?: unknown) => call<T>('PATCH', path, body),
    delete: <T = any>(path: string) => call<T>('DELETE', path),
    raw: <T = any>(method: string, path: string, text: string) => call<T>(method, path, undefined, text),
  };
}

export type Http = ReturnType<typeof http>;
