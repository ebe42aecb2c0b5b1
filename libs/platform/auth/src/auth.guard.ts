import { CanActivate, DynamicModule, ExecutionContext, Global, Inject, Injectable, Module, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { CommonErrors } from '@live/errors';
import { Role } from '@live/contracts';
import { InvalidTokenError, Principal, VerifiedTokens, bearerToken } from './token';

export const AUTH_SECRET = Symbol('AUTH_SECRET');
const ROLES_KEY = 'live:roles';

/** Roles allowed on a handler or controller; without it any authenticated user passes. */
export const AllowRoles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  return ctx.switchToHttp().getRequest<{ user?: Principal }>().user;
});

/** Bearer JWT (HS256) required; 401 without a valid one, 403 without an allowed role. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  /** a verified token is trusted until its `exp` (at most a minute), not verified per request */
  private readonly tokens: VerifiedTokens;

  constructor(
    @Inject(AUTH_SECRET) secret: string,
    private readonly reflector: Reflector,
  ) {
    this.tokens = new VerifiedTokens(secret);
  }

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined>; user?: Principal }>();
    const token = bearerToken(req.headers.authorization);
    if (!token) throw CommonErrors.unauthorized();
    try {
      req.user = this.tokens.verify(token);
    } catch (err) {
      if (err instanceof InvalidTokenError) throw CommonErrors.unauthorized(`invalid token: ${err.message}`);
      throw err;
    }
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (allowed && !req.user.roles.some((r) => allowed.includes(r))) {
      throw CommonErrors.forbidden(`requires one of the roles: ${allowed.join(', ')}`);
    }
    return true;
  }
}

@Global()
@Module({})
export class AuthModule {
  static forRoot(secret: string): DynamicModule {
    return {
      module: AuthModule,
      providers: [{ provide: AUTH_SECRET, useValue: secret }, JwtAuthGuard],
      exports: [AUTH_SECRET, JwtAuthGuard],
    };
  }
}
