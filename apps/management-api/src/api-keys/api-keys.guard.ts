import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { CommonErrors } from '@live/errors';
import { JwtAuthGuard } from '@live/auth';
import { ApiKeyPrincipal, ApiKeysService } from './api-keys.service';

export const API_KEY_HEADER = 'x-api-key';
const API_KEY_ONLY = 'live:api-key-only';

/** The handler takes a shop's API key only (no user token): the shop's systems call it. */
export const ApiKeyOnly = () => SetMetadata(API_KEY_ONLY, true);

/**
 * A seller's shop authenticates with `X-Api-Key: lck_...` (it acts as that seller, role
 * seller); anyone else with a Bearer JWT and an allowed role, as everywhere else.
 */
@Injectable()
export class ApiKeyOrJwtGuard implements CanActivate {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly jwt: JwtAuthGuard,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined>; user?: ApiKeyPrincipal }>();
    const header = req.headers[API_KEY_HEADER];
    const presented = Array.isArray(header) ? header[0] : header;
    const keyOnly = this.reflector.getAllAndOverride<boolean | undefined>(API_KEY_ONLY, [ctx.getHandler(), ctx.getClass()]);
    if (presented === undefined) {
      if (keyOnly) throw CommonErrors.unauthorized(`an API key is required (${API_KEY_HEADER} header)`);
      return this.jwt.canActivate(ctx);
    }
    const principal = await this.apiKeys.verify(presented);
    if (!principal) throw CommonErrors.unauthorized('invalid or revoked API key');
    req.user = principal;
    return true;
  }
}
