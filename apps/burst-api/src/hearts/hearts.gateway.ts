import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { BurstSocketEvents, HeartsBatchAck } from '@live/contracts';
import { CommonErrorCode } from '@live/errors';
import { ackOf, expired, refusal } from '../realtime/ack';
import { BurstSocket, RealtimeServer } from '../realtime/realtime.server';
import { parseHeartBatch } from './hearts.dto';
import { HeartsService } from './hearts.service';

const BROADCAST_ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * Heart batches over burst-api's socket: `hearts.batch` `{ broadcastId, batchId, taps }`, acked
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
    this.realtime.handle((socket) => socket.on(BurstSocketEvents.HeartsBatch, (message: unknown, ...rest: unknown[]) => this.batch(socket, message, ackOf(rest))));
  }

  private batch(socket: BurstSocket, message: unknown, ack: unknown): void {
    if (typeof ack !== 'function') return; // nobody to answer: a client that wants its count counted asks for the ack
    const reply = ack as (a: HeartsBatchAck) => void;
    if (Date.now() >= socket.data.expiresAtMs) {
      reply(expired());
      socket.disconnect(true);
      return;
    }
    const { broadcastId, ...body } = (typeof message === 'object' && message !== null ? message : {}) as { broadcastId?: unknown };
    if (typeof broadcastId !== 'string' || !BROADCAST_ID.test(broadcastId)) {
      reply({ ok: false, code: CommonErrorCode.ValidationFailed, message: 'broadcastId: must be a broadcast id', field: 'broadcastId' });
      return;
    }
    const parsed = parseHeartBatch(body);
    if (!parsed.ok) {
      reply({ ok: false, code: CommonErrorCode.ValidationFailed, message: `${parsed.field}: ${parsed.message}`, field: parsed.field });
      return;
    }
    this.hearts.tap(socket.data.user, broadcastId, parsed.value).then(
      (answer) => reply({ ok: true, ...answer }),
      (err: unknown) => reply(refusal(err, this.logger, 'hearts.batch')),
    );
  }
}
