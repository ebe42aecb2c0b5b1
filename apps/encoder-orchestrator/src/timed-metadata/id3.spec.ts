import { OVERLAY_ID3_DESCRIPTION, TsWriter, findTxxxFrames, id3Tag } from './id3';
import { id3TagsInTs, segmentTimes, stampId3 } from './id3-stamp';

/** A tiny TS "segment": PAT, a PMT with one H.264 stream on 0x100, one video PES with a PTS. */
function fakeSegment(pts: number): Buffer {
  const w = new TsWriter();
  // reuse the writer's PES framing for a fake video payload, then relabel its stream type
  const tables = w.tables();
  const pmt = tables.subarray(188, 376);
  const video = w.id3(Buffer.from('not really h264'), pts, 0x100);
  // PMT: turn the 0x15 entry into an H.264 entry on PID 0x100 and fix its CRC
  const s = 5; // pointer field 0 -> section at byte 5
  const len = ((pmt[s + 1] & 0x0f) << 8) | pmt[s + 2];
  const body = Buffer.from(pmt.subarray(s, s + 3 + len - 4));
  body[12] = 0x1b;
  body.writeUInt16BE(0xe000 | 0x100, 13);
  body.writeUInt16BE(0xf000, 15);
  const trimmed = Buffer.concat([body.subarray(0, 17)]);
  trimmed.writeUInt16BE((trimmed.readUInt16BE(1) & 0xf000) | (trimmed.length + 4 - 3), 1);
  const { crc32mpeg } = jest.requireActual('./id3');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32mpeg(trimmed));
  const packet = Buffer.alloc(188, 0xff);
  pmt.copy(packet, 0, 0, 5);
  Buffer.concat([trimmed, crc]).copy(packet, 5);
  return Buffer.concat([tables.subarray(0, 188), packet, video]);
}

describe('ID3 timed metadata', () => {
  it('writes an ID3v2.4 TXXX tag that reads back', () => {
    const tag = id3Tag(OVERLAY_ID3_DESCRIPTION, '{"v":1,"key":"pin","name":"한국어"}');
    expect(tag.subarray(0, 5)).toEqual(Buffer.from([0x49, 0x44, 0x33, 0x04, 0x00]));
    expect(findTxxxFrames(tag)).toEqual([{ description: 'live.overlay', value: '{"v":1,"key":"pin","name":"한국어"}' }]);
  });

  it('stamps tags into a segment at the right PTS and declares the stream in the PMT', () => {
    const seg = fakeSegment(900_000);
    expect(segmentTimes(seg).firstPts).toBe(900_000);
    const big = 'x'.repeat(600); // spans several TS packets
    const out = stampId3(seg, [{ tag: id3Tag('live.overlay', big), offsetSeconds: 0.5 }]);
    expect(out.length % 188).toBe(0);
    const tags = id3TagsInTs(out);
    // the per-segment timestamp tag (PRIV), then the overlay
    expect(tags).toHaveLength(2);
    expect(tags[0].includes(Buffer.from('com.apple.streaming.transportStreamTimestamp'))).toBe(true);
    expect(findTxxxFrames(tags[1])[0].value).toBe(big);
    // the overlay's PES carries firstPts + 0.5 s
    const pes = out.subarray(seg.length + 188);
    const p = 4 + (((pes[3] >> 4) & 3) === 3 ? 1 + pes[4] : 0);
    const pts = ((pes[p + 9] >> 1) & 7) * 2 ** 30 + ((pes.readUInt16BE(p + 10) >> 1) << 15) + (pes.readUInt16BE(p + 12) >> 1);
    expect(pts).toBe(900_000 + 45_000);
  });

  it('declares the ID3 stream even in a segment without tags', () => {
    const out = stampId3(fakeSegment(0), []);
    expect(out.includes(Buffer.from('ID3 ', 'latin1'))).toBe(true);
  });
});
