import { ViewerClient, type StatsTick, type ViewerState } from '@live/viewer-sdk';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useApi, type Ban, type Broadcast } from './api';
import { errorText } from './App';
import { useAuth } from './auth';
import { Scoreboard } from './Charts';
import type { WebConfig } from './config';

export type Tick = StatsTick;

export interface ShowRoom {
  client: ViewerClient;
  state: ViewerState;
  ticks: Tick[];
  progress: Record<string, unknown> | null;
  statsError: string | null;
}

/**
 * The show's room as staff see it, through the viewer SDK with the staff token: chat, overlays,
 * counters, plus the admin room's `stats.tick` and `encoder.progress`.
 */
export function useShowRoom(config: WebConfig, showId: string): ShowRoom {
  const { identity } = useAuth();
  const token = identity?.token ?? null;
  // staff send no hearts, claims or votes: `http` keeps the SDK from opening burst-api's websocket,
  // a connection per open console that would only be pinged
  const client = useMemo(
    () => new ViewerClient({ gatewayUrl: config.gateway, messageApiUrl: config.messageApi, burstApiUrl: config.burstApi, token, heartsChannel: 'http' }),
    [config, token],
  );
  const state = useSyncExternalStore((l) => client.subscribe(l), () => client.getState());
  const [ticks, setTicks] = useState<Tick[]>([]);
  const [progress, setProgress] = useState<Record<string, unknown> | null>(null);
  const [statsError, setStatsError] = useState<string | null>(null);
  useEffect(() => {
    const onTick = (t: Tick) => setTicks((all) => [...all.slice(-179), t]);
    const onProgress = (p: Record<string, unknown>) => setProgress(p);
    client.on('stats.tick', onTick);
    client.on('encoder.progress', onProgress);
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    // a show created a moment ago may not be known to the gateway as the seller's yet: retry
    const watch = (attempt: number) =>
      client.watchStats().then(
        () => setStatsError(null),
        (err: Error) => {
          setStatsError(err.message);
          if (!stopped && attempt < 10) retry = setTimeout(() => void watch(attempt + 1), 2_000);
        },
      );
    // a show created a moment ago may not have reached the gateway yet: keep trying
    const join = (attempt: number) =>
      client.join(showId).then(
        () => watch(0),
        (err: Error) => {
          setStatsError(`${err.message}; trying again…`);
          if (!stopped) retry = setTimeout(() => void join(attempt + 1), Math.min(5_000, 500 * 2 ** attempt));
        },
      );
    void join(0);
    return () => {
      stopped = true;
      clearTimeout(retry);
      client.off('stats.tick', onTick);
      client.off('encoder.progress', onProgress);
      void client.close();
    };
  }, [client, showId]);
  return { client, state, ticks, progress, statsError };
}

export function ControlRoom({ config, show, status, room }: { config: WebConfig; show: Broadcast; status: string; room: ShowRoom }) {
  const last = room.ticks[room.ticks.length - 1];
  return (
    <section className="panel room">
      <div className="row">
        <h3>Control room</h3>
        <span className="muted">{room.state.connection}</span>
      </div>
      <div className="figures">
        <Figure label="watching now" value={room.state.viewers ?? last?.totals.concurrentViewers ?? 0} testId="viewers-now" />
        <Figure label="hearts" value={room.state.hearts ?? last?.totals.hearts ?? 0} testId="hearts-total" />
        <Figure label="chat lines" value={last?.totals.chatsAccepted ?? 0} />
        <Figure label="coupon claims" value={last?.totals.couponClaims ?? 0} />
        <Figure label="peak viewers" value={last?.totals.peakViewers ?? 0} />
        <Figure label="unique viewers" value={last?.totals.uniqueViewers ?? 0} />
      </div>
      {room.statsError && <p className="muted">Live stats: {room.statsError}</p>}
      <div className="grid room-grid">
        <div>
          <Preview config={config} showId={show.id} live={status === 'live'} />
          <StreamHealth tick={last} />
          <ChatSettings config={config} show={show} />
        </div>
        <Moderation config={config} showId={show.id} room={room} />
      </div>
      <Scoreboard ticks={room.ticks} />
    </section>
  );
}

function Figure({ label, value, testId }: { label: string; value: number; testId?: string }) {
  return (
    <div className="figure">
      <div className="value" data-testid={testId}>{value.toLocaleString()}</div>
      <div className="label">{label}</div>
    </div>
  );
}

/** What the encoder says about the incoming stream (analytics folds it into stats.tick as `stream`). */
function StreamHealth({ tick }: { tick?: Tick }) {
  const s = tick?.stream;
  return (
    <div className="box">
      <h4>Stream health</h4>
      {!s ? (
        <p className="muted">No stream health reported (no encoder input yet, or the live-video service is not deployed).</p>
      ) : (
        <dl className="kv" data-testid="stream-health">
          {Object.entries(s).filter(([k]) => k !== 'broadcastId').map(([k, v]) => (
            <Fragment key={k}><dt>{k}</dt><dd>{typeof v === 'number' ? v.toLocaleString(undefined, { maximumFractionDigits: 2 }) : String(v)}</dd></Fragment>
          ))}
        </dl>
      )}
    </div>
  );
}

/** The live video as viewers get it (low-latency HLS from the encoder's origin). */
function Preview({ config, showId, live }: { config: WebConfig; showId: string; live: boolean }) {
  const ref = useRef<HTMLVideoElement>(null);
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (!config.encoderApi) return setNote('No video on this server.');
    if (!live) return setNote('The preview starts when the show is live.');
    const src = `${config.encoderApi}/live/${encodeURIComponent(showId)}/master.m3u8`;
    setNote('Waiting for the encoder…');
    let cancelled = false;
    let destroy = () => {};
    // hls.js only when there is a video to show
    void import('hls.js').then(({ default: Hls }) => {
      if (cancelled) return;
      if (!Hls.isSupported()) {
        el.src = src;
        return;
      }
      const hls = new Hls({ lowLatencyMode: true, liveSyncDurationCount: 2 });
      let retry: ReturnType<typeof setTimeout> | undefined;
      hls.on(Hls.Events.MANIFEST_PARSED, () => {
        setNote(null);
        void el.play().catch(() => undefined);
      });
      hls.on(Hls.Events.ERROR, (_e, d) => {
        if (!d.fatal) return;
        setNote('Waiting for the encoder…');
        retry = setTimeout(() => hls.loadSource(src), 5_000);
      });
      hls.loadSource(src);
      hls.attachMedia(el);
      destroy = () => {
        clearTimeout(retry);
        hls.destroy();
      };
    });
    return () => {
      cancelled = true;
      destroy();
    };
  }, [config.encoderApi, showId, live]);
  return (
    <div className="preview">
      <video ref={ref} muted playsInline controls />
      {note && <div className="note">{note}</div>}
    </div>
  );
}

function ChatSettings({ config, show }: { config: WebConfig; show: Broadcast }) {
  const api = useApi(config);
  const qc = useQueryClient();
  const [slow, setSlow] = useState(String(show.chat.slowModeSeconds));
  const [budget, setBudget] = useState(show.chat.displayBudgetPerSecond === null ? '' : String(show.chat.displayBudgetPerSecond));
  const save = useMutation({
    mutationFn: () =>
      api.management.put<Broadcast>(`/v1/broadcasts/${show.id}/chat-settings`, {
        slowModeSeconds: Number(slow || 0),
        displayBudgetPerSecond: budget.trim() === '' ? null : Number(budget),
      }),
    onSuccess: (b) => qc.setQueryData(['show', show.id], b),
  });
  return (
    <form className="box form" onSubmit={(e) => { e.preventDefault(); save.mutate(); }}>
      <h4>Chat settings</h4>
      <label>Slow mode (s per line, 0 = off) <input type="number" min={0} max={3600} value={slow} onChange={(e) => setSlow(e.target.value)} data-testid="slow-mode" /></label>
      <label>Display budget (lines/s, empty = default) <input type="number" min={1} value={budget} onChange={(e) => setBudget(e.target.value)} /></label>
      {save.error && <div className="error">{errorText(save.error)}</div>}
      {save.isSuccess && <div className="ok">Saved.</div>}
      <button type="submit" disabled={save.isPending}>Apply</button>
    </form>
  );
}

function Moderation({ config, showId, room }: { config: WebConfig; showId: string; room: ShowRoom }) {
  const api = useApi(config);
  const qc = useQueryClient();
  const [problem, setProblem] = useState<string | null>(null);
  const bans = useQuery({ queryKey: ['bans', showId], queryFn: () => api.management.get<Ban[]>(`/v1/broadcasts/${showId}/bans`) });
  const act = useMutation({
    mutationFn: async (a: { kind: 'delete'; messageId: string } | { kind: 'ban'; userId: string } | { kind: 'unban'; userId: string }) => {
      if (a.kind === 'delete') return api.management.del(`/v1/broadcasts/${showId}/messages/${a.messageId}`);
      if (a.kind === 'ban') return api.management.post(`/v1/broadcasts/${showId}/bans`, { userId: a.userId, reason: 'banned from the live console' });
      return api.management.del(`/v1/broadcasts/${showId}/bans/${encodeURIComponent(a.userId)}`);
    },
    onSuccess: (_r, a) => {
      setProblem(null);
      if (a.kind !== 'delete') void qc.invalidateQueries({ queryKey: ['bans', showId] });
    },
    onError: (err) => setProblem(errorText(err)),
  });
  const list = useRef<HTMLUListElement>(null);
  useEffect(() => {
    list.current?.scrollTo({ top: list.current.scrollHeight });
  }, [room.state.chat]);
  const banned = new Set(bans.data?.map((b) => b.userId));
  return (
    <div className="box chat-mod">
      <h4>Chat {room.state.suppressed > 0 && <span className="muted">(+{room.state.suppressed} more not shown to viewers)</span>}</h4>
      <ul ref={list} className="chat-lines">
        {room.state.chat.map((l) => (
          <li key={l.messageId} data-testid="admin-chat-line">
            <b title={l.userId}>{l.userName}</b> <span className="text">{l.text}</span>
            <span className="tools">
              <button className="ghost small" onClick={() => act.mutate({ kind: 'delete', messageId: l.messageId })} data-testid="delete-line">Delete</button>
              {!banned.has(l.userId) && !l.roles.some((r) => r !== 'viewer') && (
                <button className="ghost small danger" onClick={() => act.mutate({ kind: 'ban', userId: l.userId })} data-testid="ban-user">Ban</button>
              )}
            </span>
          </li>
        ))}
        {room.state.chat.length === 0 && <li className="muted">No chat yet.</li>}
      </ul>
      {problem && <div className="error" role="alert">{problem}</div>}
      <h4>Banned here</h4>
      <ul className="bans" data-testid="bans">
        {bans.data?.map((b) => (
          <li key={b.id}>
            {b.userId} <span className="muted">{b.reason}{b.until ? ` · until ${new Date(b.until).toLocaleTimeString()}` : ''}</span>{' '}
            <button className="ghost small" onClick={() => act.mutate({ kind: 'unban', userId: b.userId })}>Lift</button>
          </li>
        ))}
        {bans.data?.length === 0 && <li className="muted">Nobody.</li>}
      </ul>
    </div>
  );
}
