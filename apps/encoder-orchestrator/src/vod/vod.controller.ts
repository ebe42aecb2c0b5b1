import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommonErrors } from '@live/errors';
import type { Response } from 'express';
import path from 'node:path';
import { VodStorage } from './vod.storage';

const CONTENT_TYPES: Record<string, string> = {
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.mpd': 'application/dash+xml',
  '.m4s': 'video/iso.segment',
  '.mp4': 'video/mp4',
  '.vtt': 'text/vtt; charset=utf-8',
  '.jpg': 'image/jpeg',
  '.json': 'application/json; charset=utf-8',
};

/**
 * `/vod/<broadcastId>/...`: published replays, public like the live playlists. Playlists
 * are cached briefly (a re-run may replace them), segments for long (their names never
 * change content within a publication). CORS open: players on any origin fetch them.
 */
@ApiTags('vod')
@Controller('vod')
export class VodController {
  constructor(private readonly storage: VodStorage) {}

  @Get(':broadcastId/*file')
  @ApiOperation({ summary: 'A file of a published replay (HLS, DASH, WebVTT, sprites, chapters)' })
  async file(@Param('broadcastId') broadcastId: string, @Param('file') file: string | string[], @Res() res: Response) {
    const rel = Array.isArray(file) ? file.join('/') : file;
    const type = CONTENT_TYPES[path.extname(rel)];
    const found = type ? await this.storage.locate(broadcastId, rel) : null;
    if (!found) throw CommonErrors.notFound(`replay file ${rel}`, 'file');
    const immutable = /\.(m4s|jpg)$/.test(rel);
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cache-Control', immutable ? 'public, max-age=86400' : 'public, max-age=10');
    res.setHeader('Content-Type', type);
    // the path is checked above (locate); the storage root itself may sit under a dot folder
    res.sendFile(found.path, { headers: { 'Content-Type': type }, dotfiles: 'allow' });
  }
}
