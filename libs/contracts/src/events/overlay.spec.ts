import { OverlayKeys } from './overlay';

describe('OverlayKeys', () => {
  it('builds and reads back every slot', () => {
    expect(OverlayKeys.parse(OverlayKeys.pin)).toEqual({ kind: 'product', id: null });
    expect(OverlayKeys.parse(OverlayKeys.coupon('c1'))).toEqual({ kind: 'coupon', id: 'c1' });
    expect(OverlayKeys.parse(OverlayKeys.poll('p1'))).toEqual({ kind: 'poll', id: 'p1' });
    expect(OverlayKeys.parse(OverlayKeys.notice('n1'))).toEqual({ kind: 'notice', id: 'n1' });
  });

  it('reads nothing into a key it did not build', () => {
    for (const key of ['', 'coupon', 'banner:1', 'product:1', ':x']) expect(OverlayKeys.parse(key)).toBeUndefined();
  });
});
