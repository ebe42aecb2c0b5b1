/** Text rules of a chat line: trimmed, NFC, 1-200 characters, no control characters. */
export const MAX_CHARS = 200;

export type TextCheck = { ok: true; text: string } | { ok: false; message: string };

// C0/C1 controls, including newlines and tabs; format characters (ZWJ in emoji) stay allowed
const CONTROL = /\p{Cc}/u;

export function normaliseText(input: unknown): TextCheck {
  if (typeof input !== 'string') return { ok: false, message: 'must be a string' };
  const text = input.normalize('NFC').trim();
  if (CONTROL.test(text)) return { ok: false, message: 'must not contain control characters' };
  const length = [...text].length; // code points, so an emoji counts once
  if (length === 0) return { ok: false, message: 'must not be empty' };
  if (length > MAX_CHARS) return { ok: false, message: `must be at most ${MAX_CHARS} characters (got ${length})` };
  return { ok: true, text };
}

/** Masks each listed word (case-insensitive, also inside longer words) with one * per character. */
export function maskWords(text: string, words: readonly string[]): string {
  const list = words.map((w) => w.trim()).filter(Boolean);
  if (list.length === 0) return text;
  const pattern = new RegExp(list.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'giu');
  return text.replace(pattern, (m) => '*'.repeat([...m].length));
}
