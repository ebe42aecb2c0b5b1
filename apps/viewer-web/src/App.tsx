import { ViewerApiError, ViewerClient, type ClaimResult, type Overlay } from '@live/viewer-sdk';
import { FormEvent, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { WebConfig } from './config';
import { Player } from './Player';

const TOKEN_KEY = 'live.viewer.token';

/** The token: `?token=` once (then kept in this browser and dropped from the address), or pasted. */
function initialToken(): string | null {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    localStorage.setItem(TOKEN_KEY, fromUrl);
    params.delete('token');
    history.replaceState(null, '', `${location.pathname}${params.size ? `?${params}` : ''}${location.hash}`);
  }
  return localStorage.getItem(TOKEN_KEY);
}

function nameIn(token: string | null): string | null {
  if (!token) return null;
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as { name?: string; sub?: string };
    return payload.name ?? payload.sub ?? null;
  } catch {
    return null;
  }
}

export function App({ config }: { config: WebConfig }) {
  const [showId, setShowId] = useState(() => new URLSearchParams(location.search).get('show'));
  const [token, setToken] = useState(initialToken);

  if (!showId) return <PickShow onPick={(id) => {
    history.replaceState(null, '', `?show=${encodeURIComponent(id)}`);
    setShowId(id);
  }} />;
  return <Show key={`${showId}:${token ?? ''}`} config={config} showId={showId} token={token} onToken={(t) => {
    if (t) localStorage.setItem(TOKEN_KEY, t);
    else localStorage.removeItem(TOKEN_KEY);
    setToken(t);
  }} />;
}

function PickShow({ onPick }: { onPick: (id: string) => void }) {
  const [id, setId] = useState('');
  return (
    <div className="phone pick">
      <h1>Live</h1>
      <form onSubmit={(e) => { e.preventDefault(); if (id.trim()) onPick(id.trim()); }}>
        <label>Show id <input value={id} onChange={(e) => setId(e.target.value)} placeholder="the show's id" /></label>
        <button type="submit">Watch</button>
      </form>
      <p className="hint">Open <code>?show=&lt;id&gt;</code>; the admin console shows each show's viewer link.</p>
    </div>
  );
}

function Show({ config, showId, token, onToken }: { config: WebConfig; showId: string; token: string | null; onToken: (t: string | null) => void }) {
  const client = useMemo(() => new ViewerClient({ gatewayUrl: config.gateway, messageApiUrl: config.messageApi, burstApiUrl: config.burstApi, token }), [config, token]);
  const state = useSyncExternalStore((l) => client.subscribe(l), () => client.getState());
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    // a show scheduled a moment ago may not have reached the gateway yet: keep trying
    const join = (attempt: number) =>
      client.join(showId).then(
        () => setError(null),
        (err: Error) => {
          setError(`${err.message}; trying again…`);
          if (!stopped) retry = setTimeout(() => void join(attempt + 1), Math.min(5_000, 500 * 2 ** attempt));
        },
      );
    void join(0);
    const expiry = setInterval(() => client.expireOverlays(), 1_000);
    return () => {
      stopped = true;
      clearTimeout(retry);
      clearInterval(expiry);
      void client.close();
    };
  }, [client, showId]);

  const overlays = Object.values(state.overlays);
  const pin = state.overlays.pin;
  const notices = overlays.filter((o) => o.kind === 'notice');
  const coupons = overlays.filter((o) => o.kind === 'coupon');
  const polls = overlays.filter((o) => o.kind === 'poll');

  return (
    <div className="phone">
      <header className="top">
        <span className={`badge ${state.status ?? 'unknown'}`} data-testid="status">{state.status === 'live' ? 'LIVE' : (state.status ?? '…')}</span>
        <span data-testid="viewers" title="watching now">{state.viewers ?? '–'} watching</span>
        <span data-testid="hearts-total" title="hearts">♥ {state.hearts ?? '–'}</span>
        <SignIn token={token} onToken={onToken} />
      </header>
      {state.connection === 'reconnecting' && <div className="banner warn">Reconnecting…</div>}
      {error && <div className="banner error" role="alert">{error}</div>}
      <div className="stage">
        <Player config={config} broadcastId={showId} status={state.status} client={client} />
        <div className="overlays">
          {notices.map((n) => <div key={n.key} className="notice" data-testid="notice">{String(n.data.text ?? '')}</div>)}
          {pin && <PinCard overlay={pin} buyUrl={config.buyUrl} />}
          {coupons.map((c) => <CouponCard key={c.key} overlay={c} client={client} remaining={state.couponStock[c.id]} signedIn={Boolean(token)} />)}
          {polls.map((p) => <PollCard key={p.key} overlay={p} client={client} votes={state.pollTallies[p.id]} signedIn={Boolean(token)} />)}
        </div>
        <Hearts client={client} enabled={Boolean(token) && state.status === 'live'} pending={state.pendingHearts} />
      </div>
      <Chat client={client} lines={state.chat} suppressed={state.suppressed} signedIn={Boolean(token)} live={state.status === 'live'} />
    </div>
  );
}

function SignIn({ token, onToken }: { token: string | null; onToken: (t: string | null) => void }) {
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState('');
  if (token) return <button className="link" onClick={() => onToken(null)} title="sign out">{nameIn(token) ?? 'signed in'} ✕</button>;
  if (!open) return <button className="link" onClick={() => setOpen(true)}>Sign in</button>;
  return (
    <form className="signin" onSubmit={(e) => { e.preventDefault(); if (value.trim()) onToken(value.trim()); }}>
      <input value={value} onChange={(e) => setValue(e.target.value)} placeholder="paste a viewer token" aria-label="viewer token" />
      <button type="submit">OK</button>
    </form>
  );
}

const money = (amount: unknown, currency: unknown) => {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: String(currency ?? 'KRW') }).format(Number(amount));
  } catch {
    return `${amount} ${currency}`;
  }
};

function PinCard({ overlay, buyUrl }: { overlay: Overlay; buyUrl: string }) {
  const d = overlay.data as { id?: string; name?: string; price?: number; currency?: string; imageUrl?: string | null };
  return (
    <div className="card pin" data-testid="pin">
      {d.imageUrl && <img src={d.imageUrl} alt="" />}
      <div>
        <div className="title">{d.name}</div>
        <div className="price">{money(d.price, d.currency)}</div>
      </div>
      <a className="buy" href={buyUrl.replace('{productId}', encodeURIComponent(d.id ?? overlay.id))} target="_blank" rel="noreferrer">Buy</a>
    </div>
  );
}

const claimText: Record<ClaimResult['result'], string> = {
  won: 'You won it!',
  sold_out: 'Sold out',
  already_claimed: 'Already claimed',
  not_exposed: 'No longer on offer',
};

function CouponCard({ overlay, client, remaining, signedIn }: { overlay: Overlay; client: ViewerClient; remaining?: number; signedIn: boolean }) {
  const d = overlay.data as { name?: string; discountType?: string; discountValue?: number; currency?: string; totalQuantity?: number };
  const [answer, setAnswer] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // the stock is known from the first coupon.stock (or our own claim); until then, the size of the drop
  const stockText = remaining !== undefined ? `${remaining} left` : `${d.totalQuantity ?? ''} in this drop`;
  const claim = async () => {
    setBusy(true);
    try {
      setAnswer(claimText[(await client.claimCoupon(overlay.id)).result]);
    } catch (err) {
      setAnswer(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="card coupon" data-testid="coupon">
      <div>
        <div className="title">{d.name}</div>
        <div>{d.discountType === 'percent' ? `${d.discountValue}% off` : `${money(d.discountValue, d.currency)} off`}</div>
        <div className="small" data-testid="coupon-remaining">{stockText}</div>
      </div>
      {answer ? <div className="answer" data-testid="coupon-result">{answer}</div> : (
        <button onClick={claim} disabled={busy || !signedIn} data-testid="coupon-claim" title={signedIn ? '' : 'sign in to claim'}>Claim</button>
      )}
    </div>
  );
}

function PollCard({ overlay, client, votes, signedIn }: { overlay: Overlay; client: ViewerClient; votes?: number[]; signedIn: boolean }) {
  const d = overlay.data as { question?: string; options?: string[] };
  const [answer, setAnswer] = useState<string | null>(null);
  const total = (votes ?? []).reduce((a, b) => a + b, 0);
  const vote = async (i: number) => {
    try {
      const r = await client.vote(overlay.id, i);
      setAnswer(r.result === 'voted' ? 'Thanks for voting' : r.message);
    } catch (err) {
      setAnswer(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <div className="card poll" data-testid="poll">
      <div className="title">{d.question}</div>
      {(d.options ?? []).map((o, i) => {
        const n = votes?.[i] ?? 0;
        return (
          <button key={o} className="option" disabled={!signedIn || answer !== null} onClick={() => vote(i)}>
            <span className="bar" style={{ width: `${total ? (100 * n) / total : 0}%` }} />
            <span>{o}</span><span className="small">{n}</span>
          </button>
        );
      })}
      {answer && <div className="small">{answer}</div>}
    </div>
  );
}

function Hearts({ client, enabled, pending }: { client: ViewerClient; enabled: boolean; pending: number }) {
  const [bursts, setBursts] = useState<number[]>([]);
  const next = useRef(0);
  const tap = () => {
    client.tapHeart();
    const id = next.current++;
    setBursts((b) => [...b.slice(-20), id]);
  };
  return (
    <div className="hearts">
      {bursts.map((id) => (
        <span key={id} className="float" style={{ left: `${(id * 37) % 40}px` }} onAnimationEnd={() => setBursts((b) => b.filter((x) => x !== id))}>♥</span>
      ))}
      <button className="heart" onClick={tap} disabled={!enabled} aria-label="send a heart" data-testid="heart-button">♥</button>
      {pending > 0 && <span className="small pending">{pending}</span>}
    </div>
  );
}

function Chat({ client, lines, suppressed, signedIn, live }: { client: ViewerClient; lines: { messageId: string; userName: string; roles: string[]; text: string }[]; suppressed: number; signedIn: boolean; live: boolean }) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const list = useRef<HTMLUListElement>(null);
  useEffect(() => {
    list.current?.scrollTo({ top: list.current.scrollHeight });
  }, [lines]);
  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    try {
      await client.sendChat(text.trim());
      setText('');
      setProblem(null);
    } catch (err) {
      const msg = err instanceof ViewerApiError ? err.message : String(err);
      setProblem(msg.charAt(0).toUpperCase() + msg.slice(1));
    }
  };
  return (
    <section className="chat">
      <ul ref={list}>
        {lines.map((l) => (
          <li key={l.messageId} data-testid="chat-line" className={l.roles.some((r) => r !== 'viewer') ? 'staff' : ''}>
            <b>{l.userName}</b> {l.text}
          </li>
        ))}
        {suppressed > 0 && <li className="more" data-testid="chat-more">+{suppressed} more</li>}
      </ul>
      {problem && <div className="chat-error" role="alert" data-testid="chat-error">{problem}</div>}
      <form onSubmit={send}>
        <input value={text} onChange={(e) => setText(e.target.value)} maxLength={200} disabled={!signedIn || !live}
          placeholder={signedIn ? (live ? 'Say something…' : 'Chat opens when the show is live') : 'Sign in to chat'} data-testid="chat-input" aria-label="chat message" />
        <button type="submit" disabled={!signedIn || !live} data-testid="chat-send">Send</button>
      </form>
    </section>
  );
}
