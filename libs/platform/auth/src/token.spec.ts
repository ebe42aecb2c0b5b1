import jwt from 'jsonwebtoken';
import { InvalidTokenError, bearerToken, signAccessToken, verifyAccessToken } from './token';

const secret = 'unit-test-secret-0123456789';

describe('access tokens', () => {
  it('round-trips sub, name and roles', () => {
    const token = signAccessToken({ sub: 'u1', name: 'Kim', roles: ['admin'] }, secret);
    expect(verifyAccessToken(token, secret)).toEqual({ sub: 'u1', name: 'Kim', roles: ['admin'] });
  });

  it('refuses another secret, an unknown role, and unsigned tokens', () => {
    const token = signAccessToken({ sub: 'u1', roles: ['viewer'] }, secret);
    expect(() => verifyAccessToken(token, 'another-secret-0123456789')).toThrow(InvalidTokenError);
    const badRole = jwt.sign({ sub: 'u1', roles: ['root'] }, secret, { algorithm: 'HS256' });
    expect(() => verifyAccessToken(badRole, secret)).toThrow(/claim roles/);
    const unsigned = jwt.sign({ sub: 'u1', roles: ['admin'] }, '', { algorithm: 'none' });
    expect(() => verifyAccessToken(unsigned, secret)).toThrow(InvalidTokenError);
  });

  it('reads only Bearer headers', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('Basic xyz')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
