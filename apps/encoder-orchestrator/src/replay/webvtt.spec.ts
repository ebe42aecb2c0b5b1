import { TimelinePart } from './recording-reader';
import { chaptersFrom, chatCues, segmentCues, subtitlePlaylist, thumbnailsVtt, vttTime } from './webvtt';

const t0 = Date.parse('2026-12-01T10:00:00.000Z');
// two ingest sessions: 10 s, a 5 s gap, then 10 s
const parts: TimelinePart[] = [
  { file: 'part-000.ts', startedAtMs: t0, offsetSec: 0, durationSec: 10 },
  { file: 'part-001.ts', startedAtMs: t0 + 15_000, offsetSec: 10, durationSec: 10 },
];
const line = (text: string, ms: number) => ({ messageId: text, userName: 'Kim', text, acceptedAt: new Date(t0 + ms) });

describe('webvtt', () => {
  it('formats WebVTT timestamps', () => {
    expect(vttTime(0)).toBe('00:00:00.000');
    expect(vttTime(3661.5)).toBe('01:01:01.500');
  });

  it('puts chat lines on the video timeline across ingest gaps and drops off-air lines', () => {
    const cues = chatCues([line('a', 2_000), line('gap', 12_000), line('b', 16_000), line('<b>&', 19_000)], parts, 20, 5);
    expect(cues.map((c) => [c.id, c.start, c.end])).toEqual([
      ['a', 2, 7],
      ['b', 11, 16],
      ['<b>&', 14, 19],
    ]);
    expect(cues[2].text).toBe('<v Kim>&lt;b&gt;&amp;');
  });

  it('repeats a cue in every 4 s segment it overlaps', () => {
    const segs = segmentCues([{ id: 'x', start: 3, end: 9, text: 't' }], 12, 4);
    expect(segs.map((s) => s.length)).toEqual([1, 1, 1]);
    expect(subtitlePlaylist(['a.vtt', 'b.vtt', 'c.vtt'], 11, 4)).toContain('#EXTINF:3.000,\nc.vtt\n#EXT-X-ENDLIST');
  });

  it('makes chapters of pins, coupons and polls, not notices, ending at hide or the next pin', () => {
    const ev = (ms: number, overlayId: string, kind: string, id: string, action: 'show' | 'hide' = 'show') => ({
      at: new Date(t0 + ms).toISOString(),
      overlayId,
      action,
      kind,
      payload: { id, data: { name: id } },
    });
    const chapters = chaptersFrom(
      [ev(1_000, 'pin', 'product', 'p1'), ev(3_000, 'notice:1', 'notice', 'n1'), ev(5_000, 'pin', 'product', 'p2'), ev(16_000, 'coupon:c', 'coupon', 'c1'), ev(18_000, 'coupon:c', 'coupon', 'c1', 'hide')],
      parts,
      20,
    );
    expect(chapters.map((c) => [c.id, c.refId, c.start, c.end])).toEqual([
      ['product-1', 'p1', 1, 5],
      ['product-2', 'p2', 5, 20],
      ['coupon-1', 'c1', 11, 13],
    ]);
  });

  it('points thumbnails into sprite tiles', () => {
    const vtt = thumbnailsVtt({ count: 3, intervalSec: 2, durationSec: 5, width: 160, height: 90, columns: 2, rows: 1 }, (s) => `s${s}.jpg`);
    expect(vtt).toContain('00:00:00.000 --> 00:00:02.000\ns0.jpg#xywh=0,0,160,90');
    expect(vtt).toContain('s0.jpg#xywh=160,0,160,90');
    expect(vtt).toContain('00:00:04.000 --> 00:00:05.000\ns1.jpg#xywh=0,0,160,90');
  });
});
