import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Principal } from '@live/auth';
import { BurstSocketEvents, HeartsBatchAck } from '@live/contracts';
import { CommonErrorCode } from '@live/errors';
import { refusal } from '../realtime/ack';
import { RealtimeServer } from '../realtime/realtime.server';
import { parseHeartBatch } from './hearts.dto';
import { HeartsService } from './hearts.service';

const BROADCAST_ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * Heart batches over burst-api's socket channels (socket.io and the plain websocket): `hearts.batch` `{ broadcastId, batchId, taps }`, acked
 * `{ ok: true, batchId, accepted, total }` or `{ ok: false, code, message, field?, retryAfter? }`.
 * Same service, so the same checks, idempotency by batchId and exact count as the HTTP route.
 */
@Injectable()
export class HeartsGateway implements OnModuleInit {
  private readonly logger = new Logger(HeartsGateway.name);

  constructor(
    private readonly realtime: RealtimeServer,
    private readonly hearts: HeartsService,
  ) {}

  onModuleInit(): void {
    this.realtime.on(BurstSocketEvents.HeartsBatch, (user, message) => this.batch(user, message));
  }

  private batch(user: Principal, message: unknown): HeartsBatchAck | Promise<HeartsBatchAck> {
    const broadcastId = typeof message === 'object' && message !== null ? (message as { broadcastId?: unknown }).broadcastId : undefined;
    if (typeof broadcastId !== 'string' || !BROADCAST_ID.test(broadcastId)) {
      return { ok: false, code: CommonErrorCode.ValidationFailed, message: 'broadcastId: must be a broadcast id', field: 'broadcastId' };
    }
    // the message itself, broadcastId allowed beside batchId and taps (no copy without it)
    const parsed = parseHeartBatch(message, 'broadcastId');
    if (!parsed.ok) {
      return { ok: false, code: CommonErrorCode.ValidationFailed, message: `${parsed.field}: ${parsed.message}`, field: parsed.field };
    }
    return this.hearts.tap(user, broadcastId, parsed.value).then(
      (answer): HeartsBatchAck => ({ ok: true, ...answer }),
      (err: unknown) => refusal(err, this.logger, 'hearts.batch'),
    );
  }
}
