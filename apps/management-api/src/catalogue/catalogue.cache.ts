import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { Observable, map } from 'rxjs';

const CACHE_KEY = 'live:public-cache';

/** How long a CDN (and a browser) may keep the answer, and serve it stale while it refetches. */
export const PublicCache = (maxAgeSeconds: number, staleSeconds = maxAgeSeconds * 6) => SetMetadata(CACHE_KEY, { maxAgeSeconds, staleSeconds });

/**
 * Public, CDN-friendly answers: `Cache-Control: public, max-age, stale-while-revalidate`, a
 * strong ETag over the JSON body, and 304 with no body when `If-None-Match` matches.
 */
@Injectable()
export class PublicCacheInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const policy = this.reflector.get<{ maxAgeSeconds: number; staleSeconds: number } | undefined>(CACHE_KEY, ctx.getHandler());
    if (!policy) return next.handle();
    const req = ctx.switchToHttp().getRequest<Request>();
    const res = ctx.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((body: unknown) => {
        const json = JSON.stringify(body);
        const etag = `"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"`;
        res.setHeader('Cache-Control', `public, max-age=${policy.maxAgeSeconds}, stale-while-revalidate=${policy.staleSeconds}`);
        res.setHeader('ETag', etag);
        res.setHeader('Vary', 'Accept-Encoding');
        const match = req.headers['if-none-match'];
        if (match && match.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*')) {
          res.status(304);
          return undefined;
        }
        return body;
      }),
    );
  }
}
