import { Role } from '@live/contracts';
import jwt from 'jsonwebtoken';
import { KeyObject, createSecretKey } from 'node:crypto';
import { z } from 'zod';

export const Roles = Role.options;

export const Claims = z.object({
  sub: z.string().min(1).max(128),
  name: z.string().max(64).default(''),
  roles: z.array(Role).min(1),
});

export type Principal = z.infer<typeof Claims>;

export class InvalidTokenError extends Error {}

// jsonwebtoken turns a string secret into a key on every call, first trying it as a public
// key and catching the failure: a third of burst-api's CPU under load. One key per secret.
const secretKeys = new Map<string, KeyObject>();
function secretKey(secret: string): KeyObject {
  let key = secretKeys.get(secret);
  if (!key) secretKeys.set(secret, (key = createSecretKey(Buffer.from(secret, 'utf8'))));
  return key;
}

/** HS256 only: a token signed any other way (or `none`) is refused. */
export function verifyAccessToken(token: string, secret: string): Principal {
  return verifyAccessTokenUntil(token, secret).principal;
}

/** verifyAccessToken, plus when the token stops being valid (epoch ms; Infinity without `exp`). */
export function verifyAccessTokenUntil(token: string, secret: string): { principal: Principal; expiresAtMs: number } {
  let payload: unknown;
  try {
    payload = jwt.verify(token, secretKey(secret), { algorithms: ['HS256'] });
  } catch (err) {
    throw new InvalidTokenError(err instanceof Error ? err.message : 'invalid token');
  }
  const claims = Claims.safeParse(payload);
  if (!claims.success) {
    const issue = claims.error.issues[0];
    throw new InvalidTokenError(`claim ${issue.path.join('.')}: ${issue.message}`);
  }
  const exp = (payload as { exp?: unknown }).exp;
  return { principal: claims.data, expiresAtMs: typeof exp === 'number' ? exp * 1000 : Infinity };
}

/**
 * Verified tokens, so a client that sends the same bearer token on every request (a viewer
 * tapping hearts) pays for one HMAC and one claims parse, not one per request. Bounded (the
 * least recently used go first) and honouring `exp`: an entry is used only until its token
 * expires, and at most `maxAgeMs` after it was verified. Only valid tokens are kept.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly secret: string,
    private readonly max = 10_000,
    private readonly maxAgeMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The token's principal; throws InvalidTokenError as verifyAccessToken does. */
  verify(token: string): Principal {
    const now = this.now();
    const hit = this.entries.get(token);
    if (hit) {
      this.entries.delete(token);
      if (hit.until > now) {
        this.entries.set(token, hit); // most recently used last
        return hit.principal;
      }
    }
    const { principal, expiresAtMs } = verifyAccessTokenUntil(token, this.secret);
    if (expiresAtMs <= now) throw new InvalidTokenError('jwt expired');
    this.entries.set(token, { principal, until: Math.min(expiresAtMs, now + this.maxAgeMs) });
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
    return principal;
  }
}

export function signAccessToken(claims: z.input<typeof Claims>, secret: string, expiresIn: jwt.SignOptions['expiresIn'] = '12h'): string {
  return jwt.sign(Claims.parse(claims), secret, { algorithm: 'HS256', expiresIn });
}

export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^Bearer\s+(\S+)$/i.exec(value ?? '');
  return match?.[1];
}
