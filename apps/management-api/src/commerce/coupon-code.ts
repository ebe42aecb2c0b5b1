import { randomBytes } from 'node:crypto';

/** Crockford base32: no I, L, O or U, so a code read aloud or typed from a screen survives. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_LENGTH = 20;

/**
 * A coupon code: 20 symbols of 5 random bits each (100 bits from the CSPRNG; 256 is a multiple
 * of 32, so `byte & 31` is unbiased), shown in groups of five: `7K2QH-M9XRT-...`.
 */
export function newCouponCode(random: (n: number) => Buffer = randomBytes): string {
  const bytes = random(CODE_LENGTH);
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[bytes[i] & 31];
  return code.match(/.{5}/g)!.join('-');
}

/** What a shop typed, as stored: upper case, groups joined, the look-alikes Crockford allows. */
export function normalizeCouponCode(input: string): string | undefined {
  const raw = input.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (raw.length !== CODE_LENGTH || [...raw].some((c) => !ALPHABET.includes(c))) return undefined;
  return raw.match(/.{5}/g)!.join('-');
}
