import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, useApi, type Broadcast } from './api';
import { errorText, localInput } from './App';
import type { WebConfig } from './config';
import { ControlRoom, useShowRoom } from './ControlRoom';
import { Report } from './Report';
import { Setup } from './Setup';

export function ShowPage({ config, showId, onBack }: { config: WebConfig; showId: string; onBack: () => void }) {
  const api = useApi(config);
  const qc = useQueryClient();
  const show = useQuery({ queryKey: ['show', showId], queryFn: () => api.management.get<Broadcast>(`/v1/broadcasts/${showId}`) });
  const room = useShowRoom(config, showId);
  const lifecycle = useMutation({
    mutationFn: (to: 'start' | 'end') => api.management.post<Broadcast>(`/v1/broadcasts/${showId}/${to}`),
    onSuccess: (b) => {
      qc.setQueryData(['show', showId], b);
      void qc.invalidateQueries({ queryKey: ['shows'] });
    },
  });
  if (show.isPending) return <p>Loading…</p>;
  if (show.error) return <div className="panel"><p className="error">{errorText(show.error)}</p><button onClick={onBack}>Back</button></div>;
  const b = show.data;
  // whichever heard of the change first, the REST answer or the socket, is right: a status only moves forward
  const order = ['scheduled', 'live', 'ended'];
  const status = order[Math.max(order.indexOf(b.status), order.indexOf(room.state.status ?? 'scheduled'))] as Broadcast['status'];
  const viewerLink = `${config.viewerUrl}?show=${b.id}`;
  return (
    <div className="show">
      <section className="panel head">
        <button className="ghost" onClick={onBack}>← Shows</button>
        <EditTitle config={config} show={b} />
        <span className={`badge ${status}`} data-testid="show-status">{status}</span>
        <div className="actions">
          {status === 'scheduled' && <button onClick={() => lifecycle.mutate('start')} disabled={lifecycle.isPending} data-testid="start">Go live</button>}
          {status === 'live' && <button className="danger" onClick={() => confirm('End the show for everyone?') && lifecycle.mutate('end')} disabled={lifecycle.isPending} data-testid="end">End show</button>}
        </div>
        {lifecycle.error && <span className="error">{errorText(lifecycle.error)}</span>}
        <div className="meta">
          id <code>{b.id}</code> · seller {b.sellerId} · scheduled {new Date(b.scheduledAt).toLocaleString()}
          {b.startedAt && <> · live since {new Date(b.startedAt).toLocaleTimeString()}</>}
          {' · '}<a href={viewerLink} target="_blank" rel="noreferrer" data-testid="viewer-link">viewer page</a>
        </div>
      </section>
      <StreamKey config={config} showId={b.id} />
      {status !== 'ended' && <ControlRoom config={config} show={b} status={status} room={room} />}
      <Setup config={config} show={b} status={status} room={room} />
      {/* while live the control room has the figures; the report (and its heatmap) once it has ended */}
      {status === 'ended' && <Report config={config} showId={b.id} status={status} progress={room.progress} />}
    </div>
  );
}

function EditTitle({ config, show }: { config: WebConfig; show: Broadcast }) {
  const api = useApi(config);
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(show.title);
  const [when, setWhen] = useState(localInput(new Date(show.scheduledAt)));
  const save = useMutation({
    mutationFn: () => api.management.patch<Broadcast>(`/v1/broadcasts/${show.id}`, { title, scheduledAt: new Date(when).toISOString() }),
    onSuccess: (b) => {
      qc.setQueryData(['show', show.id], b);
      setEditing(false);
    },
  });
  if (!editing) return <h2 className="title" onDoubleClick={() => setEditing(true)}>{show.title} <button className="ghost small" onClick={() => setEditing(true)}>edit</button></h2>;
  return (
    <form className="inline" onSubmit={(e) => { e.preventDefault(); save.mutate(); }}>
      <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={120} aria-label="title" />
      <input type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} aria-label="scheduled at" />
      <button type="submit" disabled={save.isPending}>Save</button>
      <button type="button" className="ghost" onClick={() => setEditing(false)}>Cancel</button>
      {save.error && <span className="error">{errorText(save.error)}</span>}
    </form>
  );
}

interface StreamKeyView {
  ingestUrl: string;
  streamKey: string;
  rotatedAt: string;
}

/** The encoder's ingest for OBS & co. Asked for on demand: it is a secret. */
function StreamKey({ config, showId }: { config: WebConfig; showId: string }) {
  const api = useApi(config);
  const [shown, setShown] = useState(false);
  const key = useQuery({
    queryKey: ['stream-key', showId],
    queryFn: () => api.management.get<StreamKeyView>(`/v1/broadcasts/${showId}/stream-key`),
    enabled: shown,
    retry: false,
  });
  const rotate = useMutation({
    mutationFn: () => api.management.post<StreamKeyView>(`/v1/broadcasts/${showId}/stream-key/rotate`),
    onSuccess: () => void key.refetch(),
  });
  const missing = key.error instanceof ApiError && key.error.status === 404 && key.error.code !== 'NOT_FOUND';
  return (
    <section className="panel">
      <div className="row">
        <h3>Stream</h3>
        {!shown && <button className="ghost" onClick={() => setShown(true)} data-testid="show-stream-key">Show stream key</button>}
      </div>
      {shown && key.isPending && <p>Loading…</p>}
      {shown && key.error && (
        <p className="muted" data-testid="stream-key-missing">
          {missing || (key.error instanceof ApiError && key.error.status === 404)
            ? 'Stream keys are not available on this server yet (the live-video service has not been deployed).'
            : errorText(key.error)}
        </p>
      )}
      {key.data && (
        <dl className="kv">
          <dt>Ingest URL</dt><dd><code>{key.data.ingestUrl}</code></dd>
          <dt>Stream key</dt><dd><code>{key.data.streamKey}</code></dd>
          <dt>Full RTMP URL</dt><dd><code>{key.data.ingestUrl.replace(/\/$/, '')}/{key.data.streamKey}</code></dd>
          <dt>Rotated</dt><dd>{new Date(key.data.rotatedAt).toLocaleString()} <button className="ghost small" onClick={() => confirm('Rotate the key? The encoder must use the new one.') && rotate.mutate()}>Rotate</button></dd>
        </dl>
      )}
    </section>
  );
}
