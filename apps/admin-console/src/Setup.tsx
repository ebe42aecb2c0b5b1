import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { FormEvent, useState } from 'react';
import { useApi, type Broadcast, type Coupon, type Notice, type Poll, type Product, type ShowProduct } from './api';
import { errorText } from './App';
import { useAuth } from './auth';
import type { WebConfig } from './config';
import type { ShowRoom } from './ControlRoom';

/** Products (pin/unpin), coupons (expose, live stock), polls (open/close, tallies) and notices of one show. */
export function Setup({ config, show, status, room }: { config: WebConfig; show: Broadcast; status: string; room: ShowRoom }) {
  return (
    <div className="grid two">
      <Products config={config} show={show} status={status} />
      <Coupons config={config} show={show} status={status} room={room} />
      <Polls config={config} show={show} status={status} room={room} />
      <Notices config={config} show={show} status={status} />
    </div>
  );
}

/** A mutation whose success refreshes one list. */
function useAction<A>(key: unknown[], fn: (a: A) => Promise<unknown>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => qc.invalidateQueries({ queryKey: key }) });
}

function Products({ config, show, status }: { config: WebConfig; show: Broadcast; status: string }) {
  const api = useApi(config);
  const { isStaff } = useAuth();
  const key = ['products', show.id];
  const list = useQuery({ queryKey: key, queryFn: () => api.management.get<ShowProduct[]>(`/v1/broadcasts/${show.id}/products`) });
  const [form, setForm] = useState({ name: '', price: '', currency: 'KRW', stock: '100', imageUrl: '' });
  const add = useAction(key, async () => {
    const p = await api.management.post<Product>('/v1/products', {
      name: form.name,
      price: form.price,
      currency: form.currency,
      stock: Number(form.stock),
      ...(form.imageUrl ? { imageUrl: form.imageUrl } : {}),
      ...(isStaff ? { sellerId: show.sellerId } : {}),
    });
    await api.management.post(`/v1/broadcasts/${show.id}/products`, { productId: p.id });
    setForm((f) => ({ ...f, name: '', price: '', imageUrl: '' }));
  });
  const pin = useAction(key, (a: { productId: string; pin: boolean }) => api.management.post(`/v1/broadcasts/${show.id}/products/${a.productId}/${a.pin ? 'pin' : 'unpin'}`));
  const remove = useAction(key, (productId: string) => api.management.del(`/v1/broadcasts/${show.id}/products/${productId}`));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate(undefined);
  };
  const error = add.error ?? pin.error ?? remove.error;
  return (
    <section className="panel">
      <h3>Products</h3>
      <table className="list">
        <tbody>
          {list.data?.map((sp) => (
            <tr key={sp.product.id} data-testid="product-row">
              <td>{sp.product.name}</td>
              <td>{sp.product.price.toLocaleString()} {sp.product.currency}</td>
              <td>{sp.pinned && <span className="badge live">pinned</span>}</td>
              <td className="actions">
                {status === 'live' && (sp.pinned
                  ? <button className="ghost small" onClick={() => pin.mutate({ productId: sp.product.id, pin: false })} data-testid="unpin">Unpin</button>
                  : <button className="small" onClick={() => pin.mutate({ productId: sp.product.id, pin: true })} data-testid="pin">Pin</button>)}
                {status !== 'ended' && <button className="ghost small" onClick={() => remove.mutate(sp.product.id)}>Remove</button>}
              </td>
            </tr>
          ))}
          {list.data?.length === 0 && <tr><td className="muted">No products in this show.</td></tr>}
        </tbody>
      </table>
      {error && <div className="error" role="alert">{errorText(error)}</div>}
      {status !== 'ended' && (
        <form className="form inline-grid" onSubmit={submit}>
          <input placeholder="Product name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} required data-testid="product-name" />
          <input placeholder="Price" value={form.price} onChange={(e) => setForm({ ...form, price: e.target.value })} required inputMode="decimal" data-testid="product-price" />
          <input placeholder="Currency" value={form.currency} onChange={(e) => setForm({ ...form, currency: e.target.value.toUpperCase() })} required maxLength={3} />
          <input placeholder="Stock" value={form.stock} onChange={(e) => setForm({ ...form, stock: e.target.value })} required inputMode="numeric" />
          <input placeholder="Image URL (optional)" value={form.imageUrl} onChange={(e) => setForm({ ...form, imageUrl: e.target.value })} />
          <button type="submit" disabled={add.isPending} data-testid="add-product">Add product</button>
        </form>
      )}
    </section>
  );
}

function Coupons({ config, show, status, room }: { config: WebConfig; show: Broadcast; status: string; room: ShowRoom }) {
  const api = useApi(config);
  const key = ['coupons', show.id];
  const list = useQuery({ queryKey: key, queryFn: () => api.management.get<Coupon[]>(`/v1/broadcasts/${show.id}/coupons`) });
  const [form, setForm] = useState({ name: '', percent: '10', quantity: '100', minutes: '60' });
  const create = useAction(key, () => {
    const now = Date.now();
    return api.management.post(`/v1/broadcasts/${show.id}/coupons`, {
      name: form.name,
      discountType: 'percent',
      discountValue: Number(form.percent),
      totalQuantity: Number(form.quantity),
      perUserLimit: 1,
      validFrom: new Date(now - 60_000).toISOString(),
      validUntil: new Date(now + Number(form.minutes) * 60_000).toISOString(),
    });
  });
  const expose = useAction(key, (a: { id: string; on: boolean }) => api.management.post(`/v1/broadcasts/${show.id}/coupons/${a.id}/${a.on ? 'expose' : 'hide'}`));
  const error = create.error ?? expose.error;
  return (
    <section className="panel">
      <h3>Coupons</h3>
      <table className="list">
        <thead><tr><th>Coupon</th><th>Left</th><th>Window</th><th /></tr></thead>
        <tbody>
          {list.data?.map((c) => {
            const left = room.state.couponStock[c.id];
            return (
              <tr key={c.id} data-testid="coupon-row">
                <td>{c.name} <span className="muted">{c.discountType === 'percent' ? `${c.discountValue}%` : `${c.discountValue} ${c.currency}`}</span></td>
                <td data-testid="coupon-stock">{left ?? c.totalQuantity} / {c.totalQuantity}</td>
                <td className="muted">until {new Date(c.validUntil).toLocaleTimeString()}</td>
                <td className="actions">
                  {status === 'live' && (c.exposed
                    ? <button className="ghost small" onClick={() => expose.mutate({ id: c.id, on: false })}>Hide</button>
                    : <button className="small" onClick={() => expose.mutate({ id: c.id, on: true })} data-testid="expose">Expose</button>)}
                  {c.exposed && <span className="badge live">on offer</span>}
                </td>
              </tr>
            );
          })}
          {list.data?.length === 0 && <tr><td className="muted" colSpan={4}>No coupons.</td></tr>}
        </tbody>
      </table>
      {error && <div className="error" role="alert">{errorText(error)}</div>}
      {status !== 'ended' && (
        <form className="form inline-grid" onSubmit={(e) => { e.preventDefault(); create.mutate(undefined); }}>
          <input placeholder="Coupon name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} required data-testid="coupon-name" />
          <label className="mini">% off <input value={form.percent} onChange={(e) => setForm({ ...form, percent: e.target.value })} required inputMode="numeric" /></label>
          <label className="mini">stock <input value={form.quantity} onChange={(e) => setForm({ ...form, quantity: e.target.value })} required inputMode="numeric" data-testid="coupon-quantity" /></label>
          <label className="mini">minutes <input value={form.minutes} onChange={(e) => setForm({ ...form, minutes: e.target.value })} required inputMode="numeric" /></label>
          <button type="submit" disabled={create.isPending} data-testid="add-coupon">Create coupon</button>
        </form>
      )}
    </section>
  );
}

function Polls({ config, show, status, room }: { config: WebConfig; show: Broadcast; status: string; room: ShowRoom }) {
  const api = useApi(config);
  const key = ['polls', show.id];
  const list = useQuery({ queryKey: key, queryFn: () => api.management.get<Poll[]>(`/v1/broadcasts/${show.id}/polls`) });
  const [question, setQuestion] = useState('');
  const [options, setOptions] = useState('');
  const create = useAction(key, () =>
    api.management.post(`/v1/broadcasts/${show.id}/polls`, { question, options: options.split(',').map((o) => o.trim()).filter(Boolean) }),
  );
  const move = useAction(key, (a: { id: string; to: 'open' | 'close' }) => api.management.post(`/v1/broadcasts/${show.id}/polls/${a.id}/${a.to}`));
  const error = create.error ?? move.error;
  return (
    <section className="panel">
      <h3>Polls</h3>
      <ul className="polls">
        {list.data?.map((p) => {
          const votes = room.state.pollTallies[p.id];
          return (
            <li key={p.id}>
              <b>{p.question}</b> <span className={`badge ${p.status === 'open' ? 'live' : ''}`}>{p.status}</span>{' '}
              {status === 'live' && p.status === 'draft' && <button className="small" onClick={() => move.mutate({ id: p.id, to: 'open' })}>Open</button>}
              {p.status === 'open' && <button className="ghost small" onClick={() => move.mutate({ id: p.id, to: 'close' })}>Close</button>}
              <div className="muted">{p.options.map((o, i) => `${o}: ${votes?.[i] ?? 0}`).join(' · ')}</div>
            </li>
          );
        })}
        {list.data?.length === 0 && <li className="muted">No polls.</li>}
      </ul>
      {error && <div className="error" role="alert">{errorText(error)}</div>}
      {status !== 'ended' && (
        <form className="form inline-grid" onSubmit={(e) => { e.preventDefault(); create.mutate(undefined); }}>
          <input placeholder="Question" value={question} onChange={(e) => setQuestion(e.target.value)} required />
          <input placeholder="Options, comma separated" value={options} onChange={(e) => setOptions(e.target.value)} required />
          <button type="submit" disabled={create.isPending}>Create poll</button>
        </form>
      )}
    </section>
  );
}

function Notices({ config, show, status }: { config: WebConfig; show: Broadcast; status: string }) {
  const api = useApi(config);
  const key = ['notices', show.id];
  const list = useQuery({ queryKey: key, queryFn: () => api.management.get<(Notice & { active?: boolean })[]>(`/v1/broadcasts/${show.id}/notices`) });
  const [text, setText] = useState('');
  const [ttl, setTtl] = useState('300');
  const post = useAction(key, () => api.management.post(`/v1/broadcasts/${show.id}/notices`, { text, ...(ttl ? { ttlSeconds: Number(ttl) } : {}) }));
  const clear = useAction(key, (id: string) => api.management.post(`/v1/broadcasts/${show.id}/notices/${id}/clear`));
  const error = post.error ?? clear.error;
  return (
    <section className="panel">
      <h3>Notices</h3>
      <ul>
        {list.data?.filter((n) => n.active !== false).map((n) => (
          <li key={n.id}>{n.text} <button className="ghost small" onClick={() => clear.mutate(n.id)}>Clear</button></li>
        ))}
        {list.data?.filter((n) => n.active !== false).length === 0 && <li className="muted">No notice on screen.</li>}
      </ul>
      {error && <div className="error" role="alert">{errorText(error)}</div>}
      {status === 'live' && (
        <form className="form inline-grid" onSubmit={(e) => { e.preventDefault(); post.mutate(undefined); setText(''); }}>
          <input placeholder="Notice text" value={text} onChange={(e) => setText(e.target.value)} required maxLength={300} />
          <label className="mini">seconds <input value={ttl} onChange={(e) => setTtl(e.target.value)} inputMode="numeric" /></label>
          <button type="submit" disabled={post.isPending}>Post notice</button>
        </form>
      )}
    </section>
  );
}
