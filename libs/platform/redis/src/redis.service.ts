import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { RedisKeys, redisKeys } from '@live/contracts';
import { Emitter } from '@socket.io/redis-emitter';
import Redis from 'ioredis';

export interface RedisOptions {
  url: string;
  phase: string;
  connectionName: string;
}

export const REDIS_OPTIONS = Symbol('REDIS_OPTIONS');

/** The app's Redis connection and the key builders of its phase. */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  readonly client: Redis;
  readonly keys: RedisKeys;

  constructor(@Inject(REDIS_OPTIONS) readonly options: RedisOptions) {
    this.keys = redisKeys(options.phase);
    this.client = new Redis(options.url, {
      connectionName: options.connectionName,
      // fail commands fast while Redis is away instead of queueing them without bound
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
      // commands issued in the same tick leave in one write: under load, one syscall for
      // many requests instead of one each
      enableAutoPipelining: true,
    });
    this.client.on('error', (err) => this.logger.warn(`redis: ${err.message}`));
  }

  private roomEmitter?: Emitter;

  /**
   * Emits to socket.io rooms of every ws-gateway from any app, through the adapter's channel
   * of this phase (one emitter per process, on the main connection).
   */
  get rooms(): Emitter {
    this.roomEmitter ??= new Emitter(this.client, { key: this.keys.socketIoChannel() });
    return this.roomEmitter;
  }

  /** A second connection, for subscribers (a subscribed connection can do nothing else). */
  duplicate(name: string): Redis {
    // subscribers and blocking readers get a plain connection
    return this.client.duplicate({ connectionName: `${this.options.connectionName}:${name}`, enableAutoPipelining: false });
  }

  async ping(): Promise<void> {
    const answer = await this.client.ping();
    if (answer !== 'PONG') throw new Error(`unexpected PING answer ${answer}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
