import { Controller, Get, Header, Options, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommonErrors } from '@live/errors';
import type { Response } from 'express';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LiveService } from './live.service';

const ID = /^[A-Za-z0-9-]{1,64}$/;
const RUNG = /^\d{3,4}p$/;
const SEGMENT = /^\d{1,9}\.ts$/;

/**
 * The HLS origin of live shows: no token (public shows), CORS open for the viewer page.
 * Playlists change every segment (no-cache, a CDN revalidates them); a segment never
 * changes once listed (immutable), which is what lets a CDN absorb the viewers.
 */
@ApiTags('live video')
@Controller('live')
export class LiveController {
  constructor(private readonly live: LiveService) {}

  @Options('*path')
  @Header('Access-Control-Allow-Origin', '*')
  @Header('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS')
  @Header('Access-Control-Allow-Headers', 'Range')
  @Header('Access-Control-Max-Age', '86400')
  preflight(): string {
    return '';
  }

  @Get(':id/master.m3u8')
  @ApiOperation({ summary: 'Master playlist of the live ladder' })
  master(@Param('id') id: string, @Res() res: Response) {
    return this.send(res, this.file(id, 'master.m3u8'), 'application/vnd.apple.mpegurl', 'public, max-age=2');
  }

  @Get(':id/:rung/index.m3u8')
  media(@Param('id') id: string, @Param('rung') rung: string, @Res() res: Response) {
    if (!RUNG.test(rung)) throw CommonErrors.notFound('rendition', 'rung');
    // shorter than a segment: a player (or CDN) never holds a stale live edge for long
    return this.send(res, this.file(id, rung, 'index.m3u8'), 'application/vnd.apple.mpegurl', 'no-cache, max-age=0');
  }

  @Get(':id/:rung/:segment')
  segment(@Param('id') id: string, @Param('rung') rung: string, @Param('segment') segment: string, @Res() res: Response) {
    if (!RUNG.test(rung) || !SEGMENT.test(segment)) throw CommonErrors.notFound('segment', 'segment');
    return this.send(res, this.file(id, rung, segment), 'video/mp2t', 'public, max-age=31536000, immutable');
  }

  private file(id: string, ...parts: string[]): string {
    if (!ID.test(id)) throw CommonErrors.notFound('live stream', 'id');
    return path.join(this.live.storageDir, 'live', id, ...parts);
  }

  private async send(res: Response, file: string, type: string, cache: string): Promise<void> {
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      throw CommonErrors.notFound('live stream', 'id');
    }
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Content-Type', type);
    res.setHeader('Cache-Control', cache);
    res.status(200).send(body);
  }
}
