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
  return claims.data;
}

export function signAccessToken(claims: z.input<typeof Claims>, secret: string, expiresIn: jwt.SignOptions['expiresIn'] = '12h'): string {
  return jwt.sign(Claims.parse(claims), secret, { algorithm: 'HS256', expiresIn });
}

export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^Bearer\s+(\S+)$/i.exec(value ?? '');
  return match?.[1];
}
