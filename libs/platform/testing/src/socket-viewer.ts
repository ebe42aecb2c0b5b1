import { Ack, ChatBatch, ChatLine, JoinSnapshot } from '@live/contracts';
import { waitFor } from './wait';
import { Socket, io } from 'socket.io-client';

/** A viewer's socket.io client that records every event it receives. */
export class Viewer {
  readonly received: { event: string; data: any }[] = [];
  readonly socket: Socket;

  constructor(url: string, token?: string) {
    this.socket = io(url, { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false, forceNew: true });
    this.socket.onAny((event, data) => this.received.push({ event, data }));
  }

  async connected(): Promise<void> {
    if (this.socket.connected) return;
    await new Promise<void>((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', (err: Error & { data?: unknown }) => reject(Object.assign(err, { data: err.data })));
    });
  }

  async join(broadcastId: string, lastSeq?: string): Promise<Ack<{ snapshot: JoinSnapshot; missed?: { lines: ChatLine[]; complete: boolean } }>> {
    await this.connected();
    return this.socket.timeout(10_000).emitWithAck('join', { broadcastId, ...(lastSeq ? { lastSeq } : {}) });
  }

  /** every chat line received in chat.batch events, in arrival order */
  chatLines(): ChatLine[] {
    return this.events('chat.batch').flatMap((b: ChatBatch) => b.lines);
  }

  events(name: string) {
    return this.received.filter((r) => r.event === name).map((r) => r.data);
  }

  waitForEvent(name: string, predicate: (data: any) => boolean = () => true, timeoutMs = 15_000) {
    return waitFor(`${name} event`, () => this.events(name).find(predicate), { timeoutMs });
  }

  close(): void {
    this.socket.close();
  }
}
