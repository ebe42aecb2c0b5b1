import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { RedisKeys, redisKeys } from '@live/contracts';
import calculateSlot from 'cluster-key-slot';
import { Emitter } from '@socket.io/redis-emitter';
import Redis, { ChainableCommander, Cluster, ClusterNode } from 'ioredis';

export interface RedisOptions {
  url: string;
  phase: string;
  connectionName: string;
  /** `host:port,...` of Redis Cluster nodes; when set, `url` is unused */
  clusterNodes?: string;
}

export const REDIS_OPTIONS = Symbol('REDIS_OPTIONS');

/** A single Redis or a Redis Cluster: the same commands, scripts, MULTI and pub/sub. */
export type RedisClient = Redis | Cluster;

/** `a:1,b:2` -> ioredis startup nodes */
export function parseClusterNodes(nodes: string): ClusterNode[] {
  return nodes.split(',').map((n) => {
    const at = n.lastIndexOf(':');
    return { host: n.slice(0, at), port: Number(n.slice(at + 1)) };
  });
}

/**
 * The app's Redis connection and the key builders of its phase. With REDIS_CLUSTER_NODES it
 * is ioredis' Cluster client: every key of a show shares one hash slot (see redis-keys.ts),
 * so the apps' scripts and MULTIs run unchanged; what spans shows goes per slot
 * (`multiPerSlot`, or single commands that autopipelining groups per node).
 */
@Injectable()
export class RedisService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  readonly client: RedisClient;
  readonly keys: RedisKeys;
  private started = false;

  constructor(@Inject(REDIS_OPTIONS) readonly options: RedisOptions) {
    this.keys = redisKeys(options.phase);
    const common = {
      connectionName: options.connectionName,
      // fail commands fast while Redis is away instead of queueing them without bound
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
    };
    const retryStrategy = (times: number) => Math.min(times * 200, 2_000);
    this.client = options.clusterNodes
      ? new Cluster(parseClusterNodes(options.clusterNodes), {
          // a lost node is not redialled on its own: the cluster client refreshes the slot map
          redisOptions: common,
          clusterRetryStrategy: retryStrategy,
          enableOfflineQueue: true,
          // see below: per node, one write for the commands of a tick
          enableAutoPipelining: true,
        })
      : new Redis(options.url, {
          ...common,
          retryStrategy,
          // commands issued in the same tick leave in one write: under load, one syscall for
          // many requests instead of one each
          enableAutoPipelining: true,
        });
    this.client.on('error', (err: Error) => this.logger.warn(`redis: ${err.message}`));
    // Scripts are defined at start-up (a constructor or onModuleInit), never later. A command
    // defined while an auto-pipeline is queued is missing from that pipeline; ioredis then loses
    // count of its answers and never sends another, and every later command waits forever
    // (BurstFates did that under load). Defining one late is refused, loudly, instead.
    const define = this.client.defineCommand.bind(this.client) as (name: string, definition: { lua: string; numberOfKeys?: number; readOnly?: boolean }) => void;
    this.client.defineCommand = (name: string, definition: { lua: string; numberOfKeys?: number; readOnly?: boolean }) => {
      if (this.started) throw new Error(`Redis script ${name} defined after start-up: define it in a constructor or onModuleInit`);
      // A script whose calls give their own key count (no numberOfKeys) takes that count as its
      // first argument. ioredis' auto-pipelining routes a command on a cluster by its first
      // argument, so it sent such calls with whatever node the number hashes to, in a pipeline
      // with that node's other commands: answered CROSSSLOT-style errors now and then (a claim's
      // 500 in the cluster pass). They go unpipelined, routed by their real keys; callers
      // already send one such call for many requests.
      if (definition.numberOfKeys === undefined && this.client instanceof Cluster) this.client.options.autoPipeliningIgnoredCommands?.push(name);
      define(name, definition);
    };
  }

  onApplicationBootstrap(): void {
    this.started = true;
  }

  get cluster(): boolean {
    return this.client instanceof Cluster;
  }

  private roomEmitter?: Emitter;

  /**
   * Emits to socket.io rooms of every ws-gateway from any app, through the adapter's channel
   * of this phase (one emitter per process, on the main connection: a plain PUBLISH, which a
   * cluster carries to every node).
   */
  get rooms(): Emitter {
    this.roomEmitter ??= new Emitter(this.client, { key: this.keys.socketIoChannel() });
    return this.roomEmitter;
  }

  /** A second connection, for subscribers (a subscribed connection can do nothing else). */
  duplicate(name: string): RedisClient {
    const connectionName = `${this.options.connectionName}:${name}`;
    // subscribers and blocking readers get a plain connection
    if (this.client instanceof Cluster) {
      return this.client.duplicate([], { redisOptions: { ...this.client.options.redisOptions, connectionName }, enableAutoPipelining: false });
    }
    return this.client.duplicate({ connectionName, enableAutoPipelining: false });
  }

  /**
   * A MULTI per hash slot, for a batch of writes that spans shows (a consumer's batch): each
   * show's writes stay atomic and in order; the batch as a whole is not atomic on a cluster
   * (consumers replay a failed batch, and their writes are idempotent). On a single Redis it
   * is one plain MULTI, as before. Every command's first argument must be its key; exec()'s
   * results come grouped by slot, so use it where they are not read.
   */
  multiPerSlot(): ChainableCommander {
    const client = this.client;
    if (!(client instanceof Cluster)) return client.multi();
    const perSlot = new Map<number, ChainableCommander>();
    const batch: ChainableCommander = new Proxy({} as ChainableCommander, {
      get: (_target, name) => {
        if (name === 'exec') {
          return async () => (await Promise.all([...perSlot.values()].map((tx) => tx.exec()))).flatMap((r) => r ?? []);
        }
        if (name === 'then') return undefined; // not a promise
        if (name === 'length') return [...perSlot.values()].reduce((n, tx) => n + tx.length, 0);
        return (key: string, ...args: unknown[]) => {
          const slot = calculateSlot(key);
          let tx = perSlot.get(slot);
          if (!tx) perSlot.set(slot, (tx = client.multi()));
          (tx as unknown as Record<string, (...a: unknown[]) => unknown>)[name as string](key, ...args);
          return batch;
        };
      },
    });
    return batch;
  }

  /** Every master answers (on a single Redis: the one). */
  async ping(): Promise<void> {
    const nodes: Redis[] = this.client instanceof Cluster ? this.client.nodes('master') : [this.client];
    if (nodes.length === 0) throw new Error('no Redis Cluster master known yet');
    for (const answer of await Promise.all(nodes.map((n) => n.ping()))) {
      if (answer !== 'PONG') throw new Error(`unexpected PING answer ${answer}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
