import jwt from 'jsonwebtoken';
import { Role } from '@live/contracts';
import { AppProcess } from './app-process';
import { openApiOperations, sendCase } from './fuzz';
import { tokenFor } from './http';
import { testEnv } from './test-env';

/**
 * Who may pass an operation's role guard: `public` (no token needed) or the roles allowed.
 * Ownership (a seller and its own show) is the services' rule, tested on its own; this is the
 * guard, for every operation and every role.
 */
export type AccessRule = 'public' | readonly Role[];

export const ALL_ROLES: readonly Role[] = Role.options;

/** Tokens a client could forge or replay: each must be a 401, whatever the route. */
export function hostileTokens(secret = testEnv().jwtSecret): { name: string; token: string }[] {
  const claims = { sub: 'attacker', name: 'x', roles: ['viewer'] };
  const now = Math.floor(Date.now() / 1000);
  const viewer = tokenFor('attacker', ['viewer']);
  const [h, , sig] = viewer.split('.');
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return [
    { name: 'expired', token: jwt.sign({ ...claims, exp: now - 60 }, secret, { algorithm: 'HS256' }) },
    { name: 'not yet valid', token: jwt.sign({ ...claims, nbf: now + 3600 }, secret, { algorithm: 'HS256' }) },
    { name: 'alg none', token: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, roles: ['admin'] })}.` },
    { name: 'wrong key', token: jwt.sign({ ...claims, roles: ['admin'] }, 'another-secret-of-32-characters!', { algorithm: 'HS256' }) },
    { name: 'HS512 with the right key', token: jwt.sign(claims, secret, { algorithm: 'HS512' }) },
    { name: 'missing sub', token: jwt.sign({ roles: ['admin'] }, secret, { algorithm: 'HS256' }) },
    { name: 'missing roles', token: jwt.sign({ sub: 'attacker' }, secret, { algorithm: 'HS256' }) },
    { name: 'empty roles', token: jwt.sign({ sub: 'attacker', roles: [] }, secret, { algorithm: 'HS256' }) },
    { name: 'unknown role', token: jwt.sign({ sub: 'attacker', roles: ['root'] }, secret, { algorithm: 'HS256' }) },
    { name: 'roles as a string', token: jwt.sign({ sub: 'attacker', roles: 'admin' }, secret, { algorithm: 'HS256' }) },
    { name: 'role escalation (viewer payload edited to admin, signature kept)', token: `${h}.${b64({ ...claims, roles: ['admin'], exp: now + 3600 })}.${sig}` },
    { name: 'garbage', token: 'a.b.c' },
  ];
}

/**
 * The authorization matrix of one app, generated from its routes: every operation of its
 * OpenAPI document must have a rule (a new route without one fails), and every operation is
 * called by every role and anonymously: a role the rule leaves out gets the guard's 403, an
 * anonymous call to a guarded route a 401, and no allowed caller is refused by the guard.
 * Every hostile token is a 401 on every guarded operation.
 */
export function describeAuthorizationMatrix(app: string, rules: Record<string, AccessRule>, opts: { fill?: (param: string) => string | undefined } = {}): void {
  describe(`${app} authorization matrix`, () => {
    let proc: AppProcess;
    beforeAll(async () => {
      proc = await AppProcess.start(app);
    });
    afterAll(async () => {
      await proc?.stop();
    });

    const urlOf = (path: string) => path.replace(/\{(\w+)\}/g, (_, name: string) => opts.fill?.(name) ?? '00000000-0000-4000-8000-000000000000');

    it('has a rule for every route, and no rule for a route that is gone', async () => {
      const ops = (await openApiOperations(proc.url)).map((o) => `${o.method} ${o.path}`);
      expect(ops.filter((o) => !(o in rules))).toEqual([]);
      expect(Object.keys(rules).filter((r) => !ops.includes(r))).toEqual([]);
    });

    it('lets exactly the allowed roles past the guard of every route', async () => {
      const ops = await openApiOperations(proc.url);
      const wrong: string[] = [];
      for (const op of ops) {
        const rule = rules[`${op.method} ${op.path}`];
        if (!rule) continue;
        const url = urlOf(op.path);
        const headers = (token?: string): Record<string, string> => ({ ...(token ? { authorization: `Bearer ${token}` } : {}), ...(op.hasBody ? { 'content-type': 'application/json' } : {}) });
        const body = op.hasBody ? '{}' : undefined;
        const anon = await sendCase(proc.url, { method: op.method, url, caller: 'anonymous', headers: headers(), body, label: '' });
        if (rule === 'public' ? anon.status === 401 || anon.status === 403 : anon.status !== 401) wrong.push(`${op.method} ${op.path} anonymous -> ${anon.status}`);
        for (const role of ALL_ROLES) {
          const res = await sendCase(proc.url, { method: op.method, url, caller: role, headers: headers(tokenFor(`matrix-${role}`, [role])), body, label: '' });
          const guardRefused = res.status === 401 || (res.status === 403 && /requires one of the roles/.test(String((res.body as { message?: unknown })?.message)));
          const allowed = rule === 'public' || rule.includes(role);
          if (allowed === guardRefused || res.status >= 500) wrong.push(`${op.method} ${op.path} ${role} -> ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`);
        }
      }
      expect(wrong).toEqual([]);
    });

    it('refuses every forged, expired or malformed token with a 401 on every guarded route', async () => {
      const ops = (await openApiOperations(proc.url)).filter((o) => rules[`${o.method} ${o.path}`] !== 'public');
      const wrong: string[] = [];
      for (const op of ops) {
        for (const { name, token } of hostileTokens()) {
          const res = await sendCase(proc.url, { method: op.method, url: urlOf(op.path), caller: 'garbage-token', headers: { authorization: `Bearer ${token}` }, label: '' });
          if (res.status !== 401 || (res.body as { code?: unknown })?.code !== 'UNAUTHORIZED') wrong.push(`${op.method} ${op.path} ${name} -> ${res.status}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  });
}
