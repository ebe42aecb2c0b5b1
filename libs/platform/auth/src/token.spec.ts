import jwt from 'jsonwebtoken';
import { InvalidTokenError, VerifiedTokens, bearerToken, signAccessToken, verifyAccessToken } from './token';

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

  describe('VerifiedTokens', () => {
    it('trusts a verified token until its exp, then refuses it', () => {
      let now = Date.now();
      const tokens = new VerifiedTokens(secret, 100, 3_600_000, () => now);
      const token = jwt.sign({ sub: 'u1', roles: ['viewer'] }, secret, { algorithm: 'HS256', expiresIn: 30 });
      expect(tokens.verify(token)).toEqual({ sub: 'u1', name: '', roles: ['viewer'] });
      now += 20_000;
      expect(tokens.verify(token).sub).toBe('u1');
      now += 11_000;
      expect(() => tokens.verify(token)).toThrow('jwt expired');
    });

    it('keeps no invalid token and at most max entries', () => {
      const tokens = new VerifiedTokens(secret, 2);
      expect(() => tokens.verify(jwt.sign({ sub: 'u1', roles: ['viewer'] }, 'another-secret-0123456789'))).toThrow(InvalidTokenError);
      expect(tokens.size).toBe(0);
      for (const sub of ['a', 'b', 'c']) tokens.verify(signAccessToken({ sub, roles: ['viewer'] }, secret));
      expect(tokens.size).toBe(2);
    });
  });
});
