import { Bar, BarChart, CartesianGrid, Cell, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Tick } from './ControlRoom';

const series = [
  { key: 'viewers', label: 'Concurrent viewers', color: '#2563eb' },
  { key: 'chats', label: 'Chats / s', color: '#16a34a' },
  { key: 'hearts', label: 'Hearts / s', color: '#e11d48' },
  { key: 'claims', label: 'Coupon claims / s', color: '#d97706' },
] as const;

/** The live scoreboard: one small chart per figure over the last three minutes of ticks. */
export function Scoreboard({ ticks }: { ticks: Tick[] }) {
  const data = ticks.map((t) => ({
    at: new Date(t.lastSecond.start).toLocaleTimeString([], { minute: '2-digit', second: '2-digit' }),
    viewers: t.totals.concurrentViewers,
    chats: t.lastSecond.chatsAccepted,
    hearts: t.lastSecond.hearts,
    claims: t.lastSecond.couponClaims,
  }));
  return (
    <div className="charts" data-testid="scoreboard">
      {series.map((s) => (
        <div className="chart" key={s.key}>
          <h5>{s.label}</h5>
          {data.length === 0 ? (
            <p className="muted">Waiting for the first stats.tick…</p>
          ) : (
            <ResponsiveContainer width="100%" height={140}>
              <LineChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -20 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
                <XAxis dataKey="at" tick={{ fontSize: 10 }} interval="preserveStartEnd" minTickGap={30} />
                <YAxis allowDecimals={false} tick={{ fontSize: 10 }} />
                <Tooltip />
                <Line type="linear" dataKey={s.key} stroke={s.color} dot={false} isAnimationActive={false} strokeWidth={2} />
              </LineChart>
            </ResponsiveContainer>
          )}
        </div>
      ))}
    </div>
  );
}

/** Hearts by second of video: the bars are coloured by intensity, so the moments that landed stand out. */
export function Heatmap({ seconds }: { seconds: { videoSecond: number; hearts: number }[] }) {
  if (seconds.length === 0) return <p className="muted">No hearts yet.</p>;
  const max = Math.max(...seconds.map((s) => s.hearts));
  const fmt = (s: number) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  return (
    <ResponsiveContainer width="100%" height={180}>
      <BarChart data={seconds} margin={{ top: 4, right: 8, bottom: 0, left: -20 }} barCategoryGap={0}>
        <XAxis dataKey="videoSecond" tickFormatter={fmt} tick={{ fontSize: 10 }} minTickGap={30} />
        <YAxis allowDecimals={false} tick={{ fontSize: 10 }} />
        <Tooltip labelFormatter={(s) => `video ${fmt(Number(s))}`} />
        <Bar dataKey="hearts" isAnimationActive={false}>
          {seconds.map((s) => (
            <Cell key={s.videoSecond} fill={`hsl(350, 85%, ${85 - Math.round((50 * s.hearts) / max)}%)`} />
          ))}
        </Bar>
      </BarChart>
    </ResponsiveContainer>
  );
}
