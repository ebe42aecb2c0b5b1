import { useQuery } from '@tanstack/react-query';
import { ApiError, useApi } from './api';
import { errorText } from './App';
import { Heatmap } from './Charts';
import type { WebConfig } from './config';

interface Report {
  status: string;
  final: boolean;
  startedAt: string | null;
  endedAt: string | null;
  totals: Record<string, number>;
  viewers: { unique: number; uniqueIsEstimate: boolean; concurrent: number; peak: number; average: number };
  topChatters: { userId: string; count: number }[];
  topTappers: { userId: string; count: number }[];
  coupons: { claims: number; claimers: number; claimsPerViewer: number };
  lateDropped: number;
}

/** Figures of the show so far (final once it has ended), the heart heatmap and the replay job. */
export function Report({ config, showId, status, progress }: { config: WebConfig; showId: string; status: string; progress: Record<string, unknown> | null }) {
  const api = useApi(config);
  const ended = status === 'ended';
  const report = useQuery({
    queryKey: ['report', showId],
    queryFn: () => api.analytics.get<Report>(`/v1/broadcasts/${showId}/report`),
    refetchInterval: (q) => (q.state.data?.final ? false : 15_000),
    retry: false,
  });
  const heatmap = useQuery({
    queryKey: ['heatmap', showId],
    queryFn: () => api.analytics.get<{ totalHearts: number; seconds: { videoSecond: number; hearts: number }[] }>(`/v1/broadcasts/${showId}/heatmap`),
    refetchInterval: ended ? false : 15_000,
    retry: false,
  });
  const replay = useQuery({
    queryKey: ['replay', showId],
    queryFn: () => api.encoder.get<{ status: string; hls?: string; job?: { progress?: number; step?: string } }>(`/v1/broadcasts/${showId}/replay`),
    enabled: ended && Boolean(config.encoderApi),
    refetchInterval: (q) => (q.state.data?.status === 'ready' ? false : 10_000),
    retry: false,
  });
  const notYet = (e: unknown) => e instanceof ApiError && e.status === 404;
  const r = report.data;
  return (
    <section className="panel">
      <h3>{ended ? 'Post-show report' : 'Report so far'} {r && (r.final ? <span className="badge ended">final</span> : <span className="muted">(still settling)</span>)}</h3>
      {report.error && <p className="muted">{notYet(report.error) ? 'Analytics has not seen this show yet.' : errorText(report.error)}</p>}
      {r && (
        <div className="grid three">
          <dl className="kv">
            <dt>Unique viewers</dt><dd>{r.viewers.unique.toLocaleString()}{r.viewers.uniqueIsEstimate ? ' (est.)' : ''}</dd>
            <dt>Peak concurrent</dt><dd>{r.viewers.peak.toLocaleString()}</dd>
            <dt>Average concurrent</dt><dd>{r.viewers.average.toLocaleString(undefined, { maximumFractionDigits: 1 })}</dd>
            <dt>Chats</dt><dd>{(r.totals.chatsAccepted ?? 0).toLocaleString()} ({(r.totals.chatsSuppressed ?? 0).toLocaleString()} not displayed)</dd>
            <dt>Hearts</dt><dd data-testid="report-hearts">{(r.totals.hearts ?? 0).toLocaleString()}</dd>
            <dt>Coupon claims</dt><dd>{r.coupons.claims.toLocaleString()} by {r.coupons.claimers.toLocaleString()}</dd>
            <dt>Poll votes</dt><dd>{(r.totals.pollVotes ?? 0).toLocaleString()}</dd>
          </dl>
          <div><h5>Top chatters</h5><ol>{r.topChatters.slice(0, 5).map((c) => <li key={c.userId}>{c.userId} · {c.count}</li>)}</ol></div>
          <div><h5>Top tappers</h5><ol>{r.topTappers.slice(0, 5).map((c) => <li key={c.userId}>{c.userId} · {c.count}</li>)}</ol></div>
        </div>
      )}
      <h4>Heart heatmap (by second of video)</h4>
      {heatmap.data ? <Heatmap seconds={heatmap.data.seconds} /> : heatmap.error ? <p className="muted">{notYet(heatmap.error) ? 'No heatmap yet.' : errorText(heatmap.error)}</p> : null}
      {ended && (
        <>
          <h4>Replay</h4>
          {!config.encoderApi && <p className="muted">No video service on this server.</p>}
          {progress && <Progress value={Number(progress.progress ?? progress.percent ?? 0)} label={String(progress.step ?? progress.status ?? 'encoding')} />}
          {replay.data && (
            <p>
              {replay.data.status}
              {replay.data.job?.progress !== undefined && <Progress value={Number(replay.data.job.progress)} label={replay.data.job.step ?? ''} />}
              {replay.data.hls && <> · <a href={new URL(replay.data.hls, config.encoderApi!).toString()} target="_blank" rel="noreferrer">HLS</a></>}
            </p>
          )}
          {replay.error && <p className="muted">{notYet(replay.error) ? 'No replay job for this show (yet).' : errorText(replay.error)}</p>}
        </>
      )}
    </section>
  );
}

function Progress({ value, label }: { value: number; label: string }) {
  const pct = value <= 1 ? value * 100 : value;
  return (
    <div className="progress" data-testid="replay-progress">
      <div className="fill" style={{ width: `${Math.min(100, Math.max(0, pct))}%` }} />
      <span>{label} {pct.toFixed(0)}%</span>
    </div>
  );
}
