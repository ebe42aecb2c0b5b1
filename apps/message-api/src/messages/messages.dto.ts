import { BroadcastId } from '@live/contracts';
import { z } from 'zod';
import { normaliseText } from './chat-text';

export const ShowParams = z.object({ id: BroadcastId });
export type ShowParams = z.infer<typeof ShowParams>;

/** A chat line as a viewer posts it; `text` comes out trimmed and NFC-normalised. */
export const SendMessageDto = z
  .object({
    clientMessageId: z.string({ error: 'must be a string' }).regex(/^[A-Za-z0-9._:-]{1,64}$/, '1-64 letters, digits or . _ : -'),
    text: z.unknown().transform((value, ctx) => {
      const checked = normaliseText(value);
      if (checked.ok) return checked.text;
      ctx.addIssue({ code: 'custom', message: checked.message });
      return z.NEVER;
    }),
  })
  .strict();
export type SendMessageDto = z.infer<typeof SendMessageDto>;
