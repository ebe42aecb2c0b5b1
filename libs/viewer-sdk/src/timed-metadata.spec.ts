import type { Overlay } from '@live/contracts';
import { encodeOverlayId3, overlayCueFromFrame, overlayCuesFromId3, parseOverlayCueValue } from './timed-metadata';

const coupon: Overlay = { key: 'coupon:c1', kind: 'coupon', id: 'c1', data: { name: '30% off' }, expiresAt: null, shownAt: '2026-01-01T00:00:00.000Z' };

describe('timed metadata', () => {
  it('reads a live.overlay TXXX tag back into the socket overlay object', () => {
    const tag = encodeOverlayId3({ broadcastId: 'b', action: 'show', key: coupon.key, overlay: coupon });
    expect(overlayCuesFromId3(tag)).toEqual([{ broadcastId: 'b', action: 'show', key: 'coupon:c1', overlay: coupon }]);
  });

  it('reads several tags in one sample, and hides', () => {
    const a = encodeOverlayId3({ broadcastId: 'b', action: 'show', key: coupon.key, overlay: coupon });
    const b = encodeOverlayId3({ broadcastId: 'b', action: 'hide', key: 'pin', overlay: null });
    const cues = overlayCuesFromId3(new Uint8Array([...a, ...b]));
    expect(cues.map((c) => `${c.action}:${c.key}`)).toEqual(['show:coupon:c1', 'hide:pin']);
  });

  it('ignores other frames, other descriptions and other versions', () => {
    expect(overlayCueFromFrame({ key: 'PRIV', info: 'live.overlay', data: '{}' })).toBeNull();
    expect(overlayCueFromFrame({ key: 'TXXX', info: 'other', data: '{}' })).toBeNull();
    expect(parseOverlayCueValue(JSON.stringify({ v: 2, broadcastId: 'b', action: 'hide', key: 'pin', overlay: null }))).toBeNull();
    expect(parseOverlayCueValue('not json')).toBeNull();
    // a show whose overlay does not match its key is not trusted
    expect(parseOverlayCueValue(JSON.stringify({ v: 1, broadcastId: 'b', action: 'show', key: 'pin', overlay: coupon }))).toBeNull();
  });

  it('takes hls.js parsed frames (metadata TextTrack cue values)', () => {
    const value = JSON.stringify({ v: 1, broadcastId: 'b', action: 'show', key: coupon.key, overlay: coupon });
    expect(overlayCueFromFrame({ key: 'TXXX', info: 'live.overlay', data: value })?.overlay).toEqual(coupon);
  });

  it('stops at garbage instead of throwing', () => {
    expect(overlayCuesFromId3(new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 50, 1, 2]))).toEqual([]);
    expect(overlayCuesFromId3(new Uint8Array([1, 2, 3]))).toEqual([]);
  });
});
