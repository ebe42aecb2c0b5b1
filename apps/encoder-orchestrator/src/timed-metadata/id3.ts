/**
 * The ID3 side of timed metadata: one ID3v2.4 tag with a single TXXX frame per overlay change
 * (VIDEO-CONTRACTS.md), and the MPEG-TS pieces that carry such tags as a `timed_id3` stream
 * (stream_type 0x15, PES private_stream_1, PTS only: what ffmpeg's own muxer writes and what
 * hls.js reads). The packager stamps them into finished segments (id3-stamp.ts).
 */

export const OVERLAY_ID3_DESCRIPTION = 'live.overlay';

const syncsafe = (n: number): Buffer => Buffer.from([(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f]);

/** An ID3v2.4 tag holding one TXXX frame (UTF-8); with no frame, an empty tag. */
export function id3Tag(description?: string, value?: string): Buffer {
  const frames: Buffer[] = [];
  if (description !== undefined) {
    const body = Buffer.concat([Buffer.from([0x03]), Buffer.from(description, 'utf8'), Buffer.from([0]), Buffer.from(value ?? '', 'utf8')]);
    frames.push(Buffer.concat([Buffer.from('TXXX', 'latin1'), syncsafe(body.length), Buffer.from([0, 0]), body]));
  }
  const content = Buffer.concat(frames);
  return Buffer.concat([Buffer.from('ID3', 'latin1'), Buffer.from([0x04, 0x00, 0x00]), syncsafe(content.length), content]);
}

/**
 * Apple's transport-stream timestamp tag (a PRIV frame owned by
 * `com.apple.streaming.transportStreamTimestamp`, 33-bit PTS): players skip it as a cue, but
 * hls.js creates its metadata track on the first tag it sees. Sent in every segment so the
 * track exists before an overlay arrives: a track created for the overlay's own tag loses
 * that first cue in Chromium (the track element's empty WebVTT source loads after it).
 */
export function id3TimestampTag(pts90k: number): Buffer {
  const owner = Buffer.from('com.apple.streaming.transportStreamTimestamp\0', 'latin1');
  const ts = Buffer.alloc(8);
  ts.writeUInt32BE(Math.floor(pts90k / 2 ** 32) & 0x1, 0);
  ts.writeUInt32BE(pts90k % 2 ** 32 >>> 0, 4);
  const body = Buffer.concat([owner, ts]);
  const frame = Buffer.concat([Buffer.from('PRIV', 'latin1'), syncsafe(body.length), Buffer.from([0, 0]), body]);
  return Buffer.concat([Buffer.from('ID3', 'latin1'), Buffer.from([0x04, 0x00, 0x00]), syncsafe(frame.length), frame]);
}

/** The TXXX frames of the ID3 tags found anywhere in `data` (a small parser, for tests and tools). */
export function findTxxxFrames(data: Buffer): Array<{ description: string; value: string }> {
  const out: Array<{ description: string; value: string }> = [];
  let i = data.indexOf('ID3');
  while (i >= 0 && i + 10 <= data.length) {
    const version = data[i + 3];
    const size = (data[i + 6] << 21) | (data[i + 7] << 14) | (data[i + 8] << 7) | data[i + 9];
    if ((version === 3 || version === 4) && i + 10 + size <= data.length) {
      let p = i + 10;
      const end = i + 10 + size;
      while (p + 10 <= end) {
        const id = data.toString('latin1', p, p + 4);
        const fsize = version === 4 ? (data[p + 4] << 21) | (data[p + 5] << 14) | (data[p + 6] << 7) | data[p + 7] : data.readUInt32BE(p + 4);
        if (!/^[A-Z0-9]{4}$/.test(id) || fsize <= 0) break;
        const body = data.subarray(p + 10, p + 10 + fsize);
        if (id === 'TXXX') {
          const nul = body.indexOf(0, 1);
          out.push({ description: body.toString('utf8', 1, nul), value: body.toString('utf8', nul + 1).replace(/\0+$/, '') });
        }
        p += 10 + fsize;
      }
    }
    i = data.indexOf('ID3', i + 3);
  }
  return out;
}

// ------------------------------------------------------------------ MPEG-TS with one timed_id3 stream

const PMT_PID = 0x1000;
export const ID3_PID = 0x0101;
const PACKET = 188;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** CRC-32/MPEG-2 of PSI sections. */
export function crc32mpeg(buf: Buffer): number {
  let crc = 0xffffffff;
  for (const b of buf) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff]) >>> 0;
  return crc >>> 0;
}

function section(tableId: number, idExt: number, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head[0] = tableId;
  head.writeUInt16BE(0xb000 | (5 + body.length + 4), 1); // syntax 1, reserved, length
  head.writeUInt16BE(idExt, 3);
  head[5] = 0xc1; // version 0, current
  head[6] = 0;
  head[7] = 0;
  const withoutCrc = Buffer.concat([head, body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32mpeg(withoutCrc));
  return Buffer.concat([withoutCrc, crc]);
}

/** Splits a payload into TS packets of `pid`, stuffing the last one through its adaptation field. */
export class TsWriter {
  private readonly cc = new Map<number, number>();

  private packets(pid: number, payload: Buffer, psi: boolean): Buffer {
    const out: Buffer[] = [];
    // PSI starts with a pointer field
    let rest = psi ? Buffer.concat([Buffer.from([0]), payload]) : payload;
    let first = true;
    while (rest.length > 0 || first) {
      const pkt = Buffer.alloc(PACKET, 0xff);
      const cc = this.cc.get(pid) ?? 0;
      this.cc.set(pid, (cc + 1) & 0x0f);
      pkt[0] = 0x47;
      pkt.writeUInt16BE((first ? 0x4000 : 0) | pid, 1);
      const room = PACKET - 4;
      if (rest.length >= room || psi) {
        pkt[3] = 0x10 | cc; // payload only (PSI pads with 0xff after the section)
        rest.copy(pkt, 4, 0, Math.min(room, rest.length));
        rest = rest.subarray(Math.min(room, rest.length));
      } else {
        // adaptation field stuffs the short tail
        const stuff = room - rest.length; // adaptation_field_length + its own length byte
        pkt[3] = 0x30 | cc;
        pkt[4] = stuff - 1;
        if (stuff > 1) pkt[5] = 0x00;
        rest.copy(pkt, 4 + stuff);
        rest = Buffer.alloc(0);
      }
      out.push(pkt);
      first = false;
    }
    return Buffer.concat(out);
  }

  /** The PMT elementary-stream entry (with its metadata descriptor) of the timed_id3 stream. */
  static id3EsEntry(pid = ID3_PID): Buffer {
    const tag = Buffer.from('ID3 ', 'latin1');
    const descriptor = Buffer.concat([Buffer.from([0x26, 13, 0xff, 0xff]), tag, Buffer.from([0xff]), tag, Buffer.from([0x00, 0x0f])]);
    const es = Buffer.alloc(5);
    es[0] = 0x15; // metadata carried in PES
    es.writeUInt16BE(0xe000 | pid, 1);
    es.writeUInt16BE(0xf000 | descriptor.length, 3);
    return Buffer.concat([es, descriptor]);
  }

  /** PAT and PMT declaring one timed_id3 stream (what ffmpeg's own muxer writes for it). */
  tables(): Buffer {
    const pat = Buffer.alloc(4);
    pat.writeUInt16BE(1, 0);
    pat.writeUInt16BE(0xe000 | PMT_PID, 2);
    const pmtHead = Buffer.alloc(4);
    pmtHead.writeUInt16BE(0xe000 | 0x1fff, 0); // no PCR
    pmtHead.writeUInt16BE(0xf000, 2); // no program descriptors
    return Buffer.concat([
      this.packets(0, section(0x00, 1, pat), true),
      this.packets(PMT_PID, section(0x02, 1, Buffer.concat([pmtHead, TsWriter.id3EsEntry()])), true),
    ]);
  }

  /** One ID3 tag as a PES packet (private_stream_1, PTS only) at `pts90k`. */
  id3(tag: Buffer, pts90k: number, pid = ID3_PID): Buffer {
    const pts = Math.max(0, Math.round(pts90k)) % 2 ** 33;
    const head = Buffer.alloc(14);
    head.writeUIntBE(0x000001, 0, 3);
    head[3] = 0xbd;
    // the bare tag, as ffmpeg's muxer writes it and hls.js reads it (note: ffmpeg's demuxer
    // strips 5 bytes of such payloads, so ffprobe shows the tags cut; the bytes are whole)
    head.writeUInt16BE(8 + tag.length, 4);
    head[6] = 0x84; // '10', data_alignment_indicator
    head[7] = 0x80; // PTS only
    head[8] = 5;
    const hi = Math.floor(pts / 2 ** 30);
    const mid = Math.floor(pts / 2 ** 15) & 0x7fff;
    const lo = pts & 0x7fff;
    head[9] = 0x21 | (hi << 1);
    head.writeUInt16BE((mid << 1) | 1, 10);
    head.writeUInt16BE((lo << 1) | 1, 12);
    return this.packets(pid, Buffer.concat([head, tag]), false);
  }
}
