import { ConfigClass, env, serviceEnv } from '@live/config';
import { z } from 'zod';

export const SERVICE = 'burst-api';

export class AppConfig extends ConfigClass(
  z.object({
    ...serviceEnv({ kafka: true, redis: true, database: true }),
    PORT: env.port(3003),
    /** taps per second of a batch's span a person can plausibly make */
    HEARTS_MAX_TAPS_PER_SECOND: env.positiveInt(15),
    /** implausible batches a viewer may send in a minute before it is throttled (429) */
    HEARTS_MAX_STRIKES: env.positiveInt(5),
    /**
     * a viewer's taps across all their batches: at most HEARTS_MAX_TAPS_PER_SECOND per second
     * of wall time and per second of video, with a burst of this many seconds' worth (a late
     * batch arriving with the next one, a retry); more is refused (429 RATE_LIMITED)
     */
    HEARTS_PACE_BURST_SECONDS: env.positiveInt(8),
    /**
     * claims one viewer may send over burst-api's socket to one show per
     * COUPON_SOCKET_CLAIM_WINDOW_SECONDS; more are refused (RATE_LIMITED with retryAfter). A claim
     * is one per viewer and coupon anyway: this bounds what a client can make burst-api and Redis
     * do. Counted in the claim's own script (a fixed window), so it costs no extra round trip.
     */
    COUPON_SOCKET_CLAIMS_PER_WINDOW: env.positiveInt(10),
    COUPON_SOCKET_CLAIM_WINDOW_SECONDS: env.positiveInt(10),
    /**
     * how often heart batches the log did not take (a broker outage) are published again, so
     * analytics gets them within its allowed lateness (60 s), not only at the show-end flush
     */
    HEARTS_RELOG_EVERY_MS: env.positiveInt(3_000),
    /**
     * how long a counted heart batch waits in memory for others before the analytics log's
     * produce request leaves. A produce request costs kafkajs a few hundred µs of CPU whatever it
     * carries: at 5 ms, a spike's log cost burst-api 3-4 µs a batch more than at 50 ms
     * (docs/benchmarks.md, #17 round 9). Analytics allows 60 s of lateness and ticks each second.
     */
    HEARTS_LOG_LINGER_MS: env.positiveInt(50),
    /**
     * socket messages (both channels) a process reads ahead of its answers: past it, a
     * connection that delivers one is no longer read until answers make room, so a client that
     * pipelines is read no faster than it is answered (see Backpressure)
     */
    BURST_SOCKET_MAX_IN_FLIGHT: env.positiveInt(2_000),
    /**
     * the plain websocket's liveness sweep: a connection that sent nothing since the last sweep
     * is pinged, and one that has not answered the ping by the next is cut. A dead phone's
     * connection goes within two sweeps, and an idle viewer's is never quiet long enough for a
     * proxy's read timeout (ingress-nginx's default is 60 s). Tapping viewers are not pinged.
     */
    BURST_WS_PING_MS: env.positiveInt(25_000),
  }),
) {}
