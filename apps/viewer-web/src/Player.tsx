import { overlayCueFromFrame, type BroadcastStatus, type ViewerClient } from '@live/viewer-sdk';
import type Hls from 'hls.js';
import { useEffect, useRef, useState } from 'react';
import type { WebConfig } from './config';

interface Props {
  config: WebConfig;
  broadcastId: string;
  status: BroadcastStatus | null;
  client: ViewerClient;
}

/** The live video (low-latency HLS) or the replay once the show has ended; overlays from its ID3 cues. */
export function Player({ config, broadcastId, status, client }: Props) {
  const video = useRef<HTMLVideoElement>(null);
  const [note, setNote] = useState<string | null>(null);
  const [src, setSrc] = useState<string | null>(null);

  // which stream: live while live, the replay (if the encoder has one) once ended
  useEffect(() => {
    setSrc(null);
    if (!config.encoderApi) return setNote('No video on this server: the show runs without it.');
    if (status === 'live') {
      setNote(null);
      return setSrc(`${config.encoderApi}/live/${encodeURIComponent(broadcastId)}/master.m3u8`);
    }
    if (status === 'ended') {
      let cancelled = false;
      setNote('Looking for the replay…');
      fetch(`${config.encoderApi}/v1/broadcasts/${encodeURIComponent(broadcastId)}/replay`)
        .then(async (r) => (r.ok ? ((await r.json()) as { status?: string; hls?: string }) : null))
        .catch(() => null)
        .then((replay) => {
          if (cancelled) return;
          if (replay?.hls && (replay.status === undefined || ['ready', 'done', 'completed', 'succeeded'].includes(replay.status))) {
            setNote(null);
            setSrc(new URL(replay.hls, config.encoderApi!).toString());
          } else setNote(replay ? `Replay ${replay.status ?? 'in preparation'}…` : 'The show has ended. No replay yet.');
        });
      return () => {
        cancelled = true;
      };
    }
    setNote('The show has not started yet.');
  }, [config.encoderApi, broadcastId, status]);

  useEffect(() => {
    const el = video.current;
    if (!el || !src) return;
    // ID3 cues surface as a metadata text track: apply each as it becomes active, on its frame
    const onTrack = (e: TrackEvent) => {
      const track = e.track as TextTrack | null;
      if (!track || track.kind !== 'metadata') return;
      track.mode = 'hidden';
      track.addEventListener('cuechange', () => {
        for (const cue of Array.from(track.activeCues ?? [])) {
          const parsed = overlayCueFromFrame((cue as unknown as { value: { key: string; info?: string; data: unknown } }).value ?? { key: '', data: null });
          if (parsed) {
            client.setTimedMetadataOverlays(true);
            client.applyCue(parsed);
          }
        }
      });
    };
    el.textTracks.addEventListener('addtrack', onTrack);
    let hls: Hls | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let cancelled = false;
    // hls.js is most of the page's weight: loaded only when there is a video to play
    void import('hls.js').then(({ default: Hls }) => {
      if (cancelled) return;
      if (Hls.isSupported()) {
        hls = new Hls({
          lowLatencyMode: true,
          liveSyncDurationCount: 2,
          liveMaxLatencyDurationCount: 5,
          maxLiveSyncPlaybackRate: 1.5,
          backBufferLength: 30,
          enableID3MetadataCues: true,
        });
        hls.on(Hls.Events.MANIFEST_PARSED, () => {
          setNote(null);
          void el.play().catch(() => setNote('Tap play to start the video.'));
        });
        hls.on(Hls.Events.ERROR, (_e, data) => {
          if (!data.fatal) return;
          if (data.type === Hls.ErrorTypes.NETWORK_ERROR) {
            setNote('Waiting for the video…');
            retry = setTimeout(() => hls?.loadSource(src), 5_000);
          } else if (data.type === Hls.ErrorTypes.MEDIA_ERROR) hls?.recoverMediaError();
          else setNote('The video cannot play here.');
        });
        hls.loadSource(src);
        hls.attachMedia(el);
      } else if (el.canPlayType('application/vnd.apple.mpegurl')) {
        el.src = src; // Safari and iOS play HLS themselves
      } else setNote('This browser cannot play HLS.');
    });
    return () => {
      cancelled = true;
      clearTimeout(retry);
      el.textTracks.removeEventListener('addtrack', onTrack);
      hls?.destroy();
    };
  }, [src, client]);

  return (
    <div className="player">
      <video ref={video} playsInline muted controls={Boolean(src)} data-testid="video" />
      {note && <div className="player-note">{note}</div>}
    </div>
  );
}
