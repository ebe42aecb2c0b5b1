import { CODE_LENGTH, newCouponCode, normalizeCouponCode } from './coupon-code';

describe('coupon codes', () => {
  it('draws 20 Crockford symbols in groups of five, each symbol from its own random byte', () => {
    const code = newCouponCode(() => Buffer.from(Array.from({ length: CODE_LENGTH }, (_, i) => i * 13)));
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$/);
    expect(newCouponCode(() => Buffer.alloc(CODE_LENGTH, 255))).toBe('ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ');
  });

  it('does not repeat over many draws', () => {
    const codes = new Set(Array.from({ length: 10_000 }, () => newCouponCode()));
    expect(codes.size).toBe(10_000);
  });

  it('reads what a shop typed: case, dashes, spaces and look-alike letters', () => {
    const code = newCouponCode();
    expect(normalizeCouponCode(code.toLowerCase().replace(/-/g, ' '))).toBe(code);
    expect(normalizeCouponCode('ooooo-iiiii-lllll-00000')).toBe('00000-11111-11111-00000');
    expect(normalizeCouponCode('short')).toBeUndefined();
    expect(normalizeCouponCode('UUUUU-UUUUU-UUUUU-UUUUU')).toBeUndefined();
  });
});
