import { z } from 'zod';

/** What the seller pastes into OBS: `ingestUrl` as the server, `streamKey` as the key. */
export const StreamKeyView = z.object({
  ingestUrl: z.string(),
  streamKey: z.string(),
  rotatedAt: z.iso.datetime(),
});
export type StreamKeyView = z.infer<typeof StreamKeyView>;
