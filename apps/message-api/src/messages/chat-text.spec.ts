import { maskWords, normaliseText } from './chat-text';

describe('chat text', () => {
  it('trims, normalises to NFC and counts code points', () => {
    expect(normaliseText('  e\u0301  ')).toEqual({ ok: true, text: '\u00e9' });
    expect(normaliseText('😀'.repeat(200))).toMatchObject({ ok: true });
    expect(normaliseText('a'.repeat(201))).toEqual({ ok: false, message: 'must be at most 200 characters (got 201)' });
  });

  it('refuses empty text, control characters and non-strings', () => {
    expect(normaliseText('   ')).toMatchObject({ ok: false, message: 'must not be empty' });
    expect(normaliseText('a\nb')).toMatchObject({ ok: false, message: 'must not contain control characters' });
    expect(normaliseText('a\u0007')).toMatchObject({ ok: false });
    expect(normaliseText(42)).toMatchObject({ ok: false, message: 'must be a string' });
    expect(normaliseText('👩\u200d💻')).toMatchObject({ ok: true });
  });

  it('masks listed words whatever their case', () => {
    expect(maskWords('This is a SCAM, scammer', ['scam'])).toBe('This is a ****, ****mer');
    expect(maskWords('fine', [])).toBe('fine');
    expect(maskWords('a.b c', ['a.b'])).toBe('*** c');
  });
});
