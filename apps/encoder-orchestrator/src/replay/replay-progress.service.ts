import { Injectable, Logger } from '@nestjs/common';
import { EncoderProgress, EncoderReplayProgressV1, SocketEvents, SocketRooms, Topics } from '@live/contracts';
import { KafkaService } from '@live/kafka';
import { RedisService } from '@live/redis';
import { Emitter } from '@socket.io/redis-emitter';
import { randomUUID } from 'node:crypto';

type Progress = Omit<EncoderReplayProgressV1, 'eventId' | 'occurredAt'>;

/**
 * Job and step changes to Kafka (`encoder.replay.progress.v1`, keyed by show) and to the
 * show's admin room on every gateway (`encoder.progress`, through the socket.io Redis
 * emitter, as analytics does with stats.tick). Best effort: a failed publish is logged,
 * never fails the job -- the job's state in Postgres is the record.
 */
@Injectable()
export class ReplayProgressService {
  private readonly logger = new Logger(ReplayProgressService.name);
  private readonly emitter: Emitter;

  constructor(
    private readonly kafka: KafkaService,
    redis: RedisService,
  ) {
    this.emitter = new Emitter(redis.client, { key: redis.keys.socketIoChannel() });
  }

  async emit(p: Progress): Promise<void> {
    const occurredAt = new Date().toISOString();
    const socket: EncoderProgress = { ...p, at: occurredAt };
    this.emitter.to(SocketRooms.broadcastAdmin(p.broadcastId)).emit(SocketEvents.EncoderProgress, socket);
    await this.kafka
      .publish(Topics.EncoderReplayProgress, p.broadcastId, { eventId: randomUUID(), occurredAt, ...p })
      .catch((err) => this.logger.warn(`progress publish failed: ${err instanceof Error ? err.message : err}`));
  }
}
