import { z } from 'zod';

/** What the seller pastes into OBS: `ingestUrl` as the server, `streamKey` as the key (or `srtUrl` alone). */
export const StreamKeyView = z.object({
  ingestUrl: z.string(),
  streamKey: z.string(),
  rotatedAt: z.iso.datetime(),
  /** SRT alternative to `ingestUrl` + `streamKey` (the passphrase is derived from the key); null while no listener is open */
  srtUrl: z.string().nullable(),
});
export type StreamKeyView = z.infer<typeof StreamKeyView>;
