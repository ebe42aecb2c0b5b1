import { LivePlaylist, parseMediaPlaylist, renderMaster } from './hls-playlist';
import { ffmpegArgs, ladderFor } from './ladder';

const at = (s: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, s));

describe('live playlists', () => {
  it('slides a window, marks discontinuities and counts the ones that slid out', () => {
    const pl = new LivePlaylist(3);
    for (let msn = 0; msn < 5; msn++) pl.add({ msn, uri: `${msn}.ts`, duration: 1, programDateTime: at(msn), discontinuity: msn === 2 });
    const text = pl.render();
    expect(text).toContain('#EXT-X-MEDIA-SEQUENCE:2');
    // the discontinuity is now the first segment: the tag goes, the sequence counts its epoch
    expect(text).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:1');
    expect(text).not.toContain('#EXT-X-DISCONTINUITY\n');
    pl.add({ msn: 5, uri: '5.ts', duration: 1, programDateTime: at(5), discontinuity: false });
    expect(pl.render()).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:1');
    expect(pl.render().match(/#EXT-X-PROGRAM-DATE-TIME:/g)).toHaveLength(3);
    expect(pl.render()).not.toContain('ENDLIST');
    pl.end();
    expect(pl.render().trim().endsWith('#EXT-X-ENDLIST')).toBe(true);
  });

  it('keeps a discontinuity tag inside the window', () => {
    const pl = new LivePlaylist(6);
    [0, 1, 2].forEach((msn) => pl.add({ msn, uri: `${msn}.ts`, duration: 1.001, programDateTime: at(msn), discontinuity: msn === 2 }));
    expect(pl.render()).toMatch(/1\.ts\n#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME/);
    expect(pl.render()).toContain('#EXT-X-TARGETDURATION:1');
  });

  it('reads the segments of an ffmpeg playlist', () => {
    const segs = parseMediaPlaylist('#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:4\n#EXTINF:1.000000,\n#EXT-X-PROGRAM-DATE-TIME:2030-01-01T00:00:01.000+0000\n4.ts\n#EXTINF:0.966667,\n5.ts\n');
    expect(segs).toEqual([
      { index: 4, uri: '4.ts', duration: 1, programDateTime: new Date('2030-01-01T00:00:01.000Z') },
      { index: 5, uri: '5.ts', duration: 0.966667, programDateTime: null },
    ]);
  });

  it('caps the ladder at the source height and lists every rung in the master', () => {
    expect(ladderFor({ width: 1920, height: 1080 }, [720, 480, 360]).map((r) => `${r.width}x${r.height}`)).toEqual(['1280x720', '854x480', '640x360']);
    expect(ladderFor({ width: 640, height: 360 }, [720, 480, 360]).map((r) => r.name)).toEqual(['360p']);
    expect(ladderFor({ width: 320, height: 180 }, [720, 360]).map((r) => r.height)).toEqual([180]);
    const master = renderMaster(ladderFor({ width: 1280, height: 720 }, [720, 480, 360]), 30);
    expect(master.match(/#EXT-X-STREAM-INF/g)).toHaveLength(3);
    expect(master).toContain('720p/index.m3u8');
  });

  it('forces keyframes on the same 1 s grid in every rung', () => {
    const args = ffmpegArgs({ rungs: ladderFor({ width: 1280, height: 720 }, [720, 360]), workDir: '/w', recordingFile: '/r/part-000.ts', fps: 30, gopSeconds: 1, segmentSeconds: 1, preset: 'veryfast' });
    expect(args.filter((a) => a === 'expr:gte(t,n_forced*1)')).toHaveLength(2);
    expect(args.filter((a, i) => args[i - 1] === '-g')).toEqual(['30', '30']);
    expect(args).toContain('/r/part-000.ts');
  });

  it('lists LL-HLS parts near the edge, the open segment and a preload hint, and answers blocking reloads', () => {
    let next = 0;
    const pl = new LivePlaylist(6, { partTarget: 0.335, nextPartUri: () => `p${next}.ts` });
    const part = (independent: boolean) => ({ uri: `p${next++}.ts`, duration: 1 / 3, independent });
    for (let msn = 0; msn < 5; msn++) {
      pl.addPart(part(true), { msn, programDateTime: at(msn), discontinuity: false });
      pl.addPart(part(false));
      pl.addPart(part(false));
      pl.closeOpen(`${msn}.ts`);
    }
    pl.addPart(part(true), { msn: 5, programDateTime: at(5), discontinuity: false });
    const text = pl.render();
    expect(text).toContain('#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.005');
    expect(text).toContain('#EXT-X-PART-INF:PART-TARGET=0.335');
    // parts of the last three complete segments and of the open one; every segment still there
    expect(text.match(/#EXT-X-PART:/g)).toHaveLength(3 * 3 + 1);
    expect(text).not.toContain('URI="p5.ts"');
    expect(text).toContain('#EXT-X-PART:DURATION=0.333,INDEPENDENT=YES,URI="p15.ts"');
    expect(text.trim().split('\n').at(-1)).toBe('#EXT-X-PRELOAD-HINT:TYPE=PART,URI="p16.ts"');
    expect(text.match(/\n\d+\.ts/g)).toHaveLength(5);
    expect(text.match(/#EXT-X-PROGRAM-DATE-TIME:/g)).toHaveLength(5);

    expect(pl.has(4, null)).toBe(true);
    expect(pl.has(5, null)).toBe(false);
    expect(pl.has(5, 0)).toBe(true);
    expect(pl.has(5, 1)).toBe(false);
    // part 3 of a 3-part segment is the next segment's first part
    expect(pl.has(4, 3)).toBe(true);
    expect(pl.nextMsn).toBe(6);
    pl.end();
    expect(pl.render()).not.toContain('PRELOAD-HINT');
  });

  it('cuts parts by time with keyframes on the 1 s grid', () => {
    const args = ffmpegArgs({ rungs: ladderFor({ width: 640, height: 360 }, [360]), workDir: '/w', recordingFile: '/r.ts', fps: 30, gopSeconds: 1, segmentSeconds: 1, partsPerSegment: 3, preset: 'veryfast' });
    expect(args[args.indexOf('-hls_time') + 1]).toBe('0.333333');
    expect(args[args.indexOf('-hls_flags') + 1]).toContain('split_by_time');
    expect(args[args.indexOf('-g') + 1]).toBe('30');
  });
});
