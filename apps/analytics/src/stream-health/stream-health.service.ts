import { Injectable } from '@nestjs/common';
import { EncoderStreamHealthV1, StatsStream } from '@live/contracts';

/** A health sample older than this says nothing about the stream now. */
const FRESH_MS = 15_000;

/** The latest encoder health of each show, for the `stream` field of stats.tick. */
@Injectable()
export class StreamHealthService {
  private readonly latest = new Map<string, EncoderStreamHealthV1>();

  record(events: EncoderStreamHealthV1[]): void {
    for (const e of events) {
      const known = this.latest.get(e.broadcastId);
      if (!known || Date.parse(known.at) <= Date.parse(e.at)) this.latest.set(e.broadcastId, e);
    }
  }

  of(broadcastId: string, now = Date.now()): StatsStream | undefined {
    const e = this.latest.get(broadcastId);
    if (!e) return undefined;
    if (now - Date.parse(e.at) > FRESH_MS) {
      this.latest.delete(broadcastId);
      return undefined;
    }
    return { ...e.health, session: e.session, at: e.at };
  }
}
