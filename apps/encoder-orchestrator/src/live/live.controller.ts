import { Controller, Get, Header, Options, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommonErrors } from '@live/errors';
import type { Response } from 'express';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LiveService } from './live.service';

const ID = /^[A-Za-z0-9-]{1,64}$/;
const RUNG = /^\d{3,4}p$/;
const SEGMENT = /^\d{1,9}\.ts$/;
const PART = /^p(\d{1,9})\.ts$/;
const COUNT = /^\d{1,9}$/;
/** a blocked reload or preload-hinted part waits at most this long (the spec: 3 target durations) */
const BLOCK_MS = 3_000;

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
  async media(@Param('id') id: string, @Param('rung') rung: string, @Query('_HLS_msn') msn: string | undefined, @Query('_HLS_part') part: string | undefined, @Res() res: Response) {
    if (!RUNG.test(rung)) throw CommonErrors.notFound('rendition', 'rung');
    if (msn !== undefined || part !== undefined) {
      // LL-HLS blocking reload: answer once the playlist holds that segment/part
      if (msn === undefined || !COUNT.test(msn) || (part !== undefined && !COUNT.test(part))) throw CommonErrors.validation('_HLS_msn', '_HLS_msn (and _HLS_part) must be non-negative integers');
      const result = (await this.live.pipeline(this.id(id))?.awaitPlaylist(rung, Number(msn), part === undefined ? null : Number(part), BLOCK_MS)) ?? 'ready';
      if (result === 'too_far') throw CommonErrors.validation('_HLS_msn', `segment ${msn} is more than two segments past the live edge`);
      if (result === 'timeout') {
        res.setHeader('Access-Control-Allow-Origin', '*');
        res.setHeader('Cache-Control', 'no-cache, max-age=0');
        res.status(503).json({ code: 'PLAYLIST_NOT_READY', message: `no segment ${msn}${part === undefined ? '' : ` part ${part}`} within ${BLOCK_MS} ms`, field: '_HLS_msn' });
        return;
      }
    }
    // shorter than a segment: a player (or CDN) never holds a stale live edge for long
    return this.send(res, this.file(id, rung, 'index.m3u8'), 'application/vnd.apple.mpegurl', 'no-cache, max-age=0');
  }

  @Get(':id/:rung/:segment')
  async segment(@Param('id') id: string, @Param('rung') rung: string, @Param('segment') segment: string, @Res() res: Response) {
    const part = PART.exec(segment);
    if (!RUNG.test(rung) || (!SEGMENT.test(segment) && !part)) throw CommonErrors.notFound('segment', 'segment');
    // the part EXT-X-PRELOAD-HINT names: held until ffmpeg finishes it
    if (part) await this.live.pipeline(this.id(id))?.awaitPart(rung, Number(part[1]), BLOCK_MS);
    return this.send(res, this.file(id, rung, segment), 'video/mp2t', 'public, max-age=31536000, immutable');
  }

  private id(id: string): string {
    if (!ID.test(id)) throw CommonErrors.notFound('live stream', 'id');
    return id;
  }

  private file(id: string, ...parts: string[]): string {
    this.id(id);
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
