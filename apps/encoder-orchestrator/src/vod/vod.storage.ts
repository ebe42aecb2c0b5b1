import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where published replays live and how /vod reads them. The disk implementation below is the
 * one this repo runs; an S3-compatible store replaces it by implementing the same three
 * operations (see the app README: upload under a fresh prefix, then flip a pointer object).
 */
export abstract class VodStorage {
  /**
   * Makes `localDir` (a finished replay) the replay of the show, all at once: readers see the
   * old replay or the new one, never a mix or a half-written one.
   */
  abstract publish(broadcastId: string, localDir: string): Promise<void>;
  /** A published file for /vod; null when there is none. */
  abstract locate(broadcastId: string, file: string): Promise<{ path: string; size: number } | null>;
  /** Whether the show has a published replay. */
  abstract has(broadcastId: string): Promise<boolean>;
}

const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const SAFE_FILE = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

/** Replays under `<ENCODER_STORAGE_DIR>/vod/<broadcastId>/`, swapped in by directory rename. */
@Injectable()
export class DiskVodStorage extends VodStorage {
  constructor(private readonly root: string) {
    super();
  }

  dirOf(broadcastId: string): string {
    if (!SAFE_ID.test(broadcastId)) throw new Error(`unsafe broadcast id ${broadcastId}`);
    return path.join(this.root, 'vod', broadcastId);
  }

  async publish(broadcastId: string, localDir: string): Promise<void> {
    const final = this.dirOf(broadcastId);
    await mkdir(path.dirname(final), { recursive: true });
    const old = `${final}.old-${randomUUID()}`;
    // rename(2) of a directory is atomic; the short moment between the two renames answers 404
    await rename(final, old).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    try {
      await rename(localDir, final);
    } catch (err) {
      await rename(old, final).catch(() => undefined);
      throw err;
    }
    await rm(old, { recursive: true, force: true });
  }

  async locate(broadcastId: string, file: string): Promise<{ path: string; size: number } | null> {
    if (!SAFE_ID.test(broadcastId) || !SAFE_FILE.test(file) || file.split('/').some((p) => p.startsWith('.'))) return null;
    const full = path.join(this.dirOf(broadcastId), file);
    try {
      const s = await stat(full);
      return s.isFile() ? { path: full, size: s.size } : null;
    } catch {
      return null;
    }
  }

  async has(broadcastId: string): Promise<boolean> {
    return (await this.locate(broadcastId, 'master.m3u8')) !== null;
  }
}
