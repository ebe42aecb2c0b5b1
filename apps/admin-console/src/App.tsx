import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { FormEvent, useState } from 'react';
import { ApiError, useApi, type Broadcast } from './api';
import { useAuth } from './auth';
import type { WebConfig } from './config';
import { ShowPage } from './ShowPage';

export function App({ config }: { config: WebConfig }) {
  const { identity, signOut } = useAuth();
  const [showId, setShowId] = useState(() => new URLSearchParams(location.search).get('show'));
  const open = (id: string | null) => {
    history.replaceState(null, '', id ? `?show=${encodeURIComponent(id)}` : location.pathname);
    setShowId(id);
  };
  if (!identity) return <SignIn />;
  return (
    <div className="console">
      <header className="bar">
        <button className="brand" onClick={() => open(null)}>Live console</button>
        <span className="who" data-testid="who">{identity.name} · {identity.roles.join(', ')}</span>
        <button className="ghost" onClick={signOut}>Sign out</button>
      </header>
      <main>{showId ? <ShowPage config={config} showId={showId} onBack={() => open(null)} /> : <Shows config={config} onOpen={open} />}</main>
    </div>
  );
}

function SignIn() {
  const { signIn } = useAuth();
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <div className="signin-page">
      <form
        className="panel"
        onSubmit={(e) => {
          e.preventDefault();
          setProblem(signIn(token));
        }}
      >
        <h1>Live console</h1>
        <p>Paste a staff token (admin, operator, seller or moderator). In development:</p>
        <pre>npm run -s token -- --sub demo-seller --roles seller</pre>
        <textarea value={token} onChange={(e) => setToken(e.target.value)} rows={4} placeholder="eyJhbGciOi…" data-testid="signin-token" aria-label="token" />
        {problem && <div className="error" role="alert">{problem}</div>}
        <button type="submit" data-testid="signin-submit">Sign in</button>
      </form>
    </div>
  );
}

export const errorText = (err: unknown) => (err instanceof ApiError ? `${err.message}${err.field ? ` (${err.field})` : ''}` : err instanceof Error ? err.message : String(err));

/** `datetime-local` value of a date, in local time. */
export const localInput = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

function Shows({ config, onOpen }: { config: WebConfig; onOpen: (id: string) => void }) {
  const api = useApi(config);
  const { identity, isStaff } = useAuth();
  const qc = useQueryClient();
  const [status, setStatus] = useState('');
  const shows = useQuery({
    queryKey: ['shows', status],
    queryFn: () => api.management.get<{ items: Broadcast[] }>(`/v1/broadcasts?limit=100${status ? `&status=${status}` : ''}`),
    refetchInterval: 10_000,
  });
  const [title, setTitle] = useState('');
  const [when, setWhen] = useState(() => localInput(new Date(Date.now() + 10 * 60_000)));
  const [sellerId, setSellerId] = useState('');
  const create = useMutation({
    mutationFn: () =>
      api.management.post<Broadcast>('/v1/broadcasts', { title, scheduledAt: new Date(when).toISOString(), ...(isStaff ? { sellerId } : {}) }),
    onSuccess: (b) => {
      void qc.invalidateQueries({ queryKey: ['shows'] });
      setTitle('');
      onOpen(b.id);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <div className="grid two">
      <section className="panel">
        <div className="row">
          <h2>Shows</h2>
          <select value={status} onChange={(e) => setStatus(e.target.value)} aria-label="status filter">
            <option value="">all</option>
            <option value="scheduled">scheduled</option>
            <option value="live">live</option>
            <option value="ended">ended</option>
          </select>
        </div>
        {shows.isPending && <p>Loading…</p>}
        {shows.error && <p className="error">{errorText(shows.error)}</p>}
        <table className="list">
          <thead>
            <tr><th>Title</th><th>Status</th><th>Scheduled</th><th>Seller</th></tr>
          </thead>
          <tbody>
            {shows.data?.items.map((b) => (
              <tr key={b.id} onClick={() => onOpen(b.id)} className="clickable" data-testid="show-row">
                <td><a href={`?show=${b.id}`} onClick={(e) => e.preventDefault()}>{b.title}</a></td>
                <td><span className={`badge ${b.status}`}>{b.status}</span></td>
                <td>{new Date(b.scheduledAt).toLocaleString()}</td>
                <td>{b.sellerId}</td>
              </tr>
            ))}
            {shows.data?.items.length === 0 && <tr><td colSpan={4}>No shows yet.</td></tr>}
          </tbody>
        </table>
      </section>
      <section className="panel">
        <h2>Schedule a show</h2>
        <form className="form" onSubmit={submit}>
          <label>Title <input value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={120} data-testid="show-title" /></label>
          <label>Starts <input type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} required /></label>
          {isStaff && <label>Seller id <input value={sellerId} onChange={(e) => setSellerId(e.target.value)} required /></label>}
          {create.error && <div className="error" role="alert">{errorText(create.error)}</div>}
          <button type="submit" disabled={create.isPending} data-testid="create-show">Create</button>
        </form>
        <p className="hint">Signed in as {identity?.sub}. A seller's shows are its own; operators and admins see every show.</p>
      </section>
    </div>
  );
}
