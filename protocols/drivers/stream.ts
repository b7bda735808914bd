/**
 * The `stream` driver's options and metrics: a source that is only a stream — an encoder's output
 * URL, the platform's playback (an HLS playlist), a contribution feed over UDP or SRT. Its own probe
 * asks only whether the endpoint answers; what the stream shows and sounds like is the media watch's
 * (the device's `media` block, `source: { fromDriver: stream }`: docs/configuration.md).
 */
import { Type, type Static } from '@sinclair/typebox';
import { driverSpec } from './spec.ts';

/** The schemes ffmpeg opens for the media watch; rtsps and rtmps are their TLS forms. */
export const STREAM_SCHEMES = ['udp', 'srt', 'rtmp', 'rtmps', 'rtsp', 'rtsps', 'http', 'https'] as const;

export const StreamOptions = Type.Object(
  {
    url: Type.String({
      pattern: `^(${STREAM_SCHEMES.join('|')})://.+`,
      description: 'the stream: udp://, srt://, rtmp(s)://, rtsp(s)://, or http(s):// for an HLS playlist',
    }),
    /** How long the probe waits for the endpoint (an HLS playlist's answer, an RTSP or RTMP server's TCP accept). */
    requestTimeoutMs: Type.Integer({ minimum: 100, maximum: 30_000, default: 2_000 }),
  },
  { additionalProperties: false },
);
export type StreamOptions = Static<typeof StreamOptions>;

export const streamSpec = driverSpec({
  name: 'stream',
  requestDeadline: (o) => ({ field: 'requestTimeoutMs', ms: Number(o.requestTimeoutMs) }),
  optionsSchema: StreamOptions,
  // It watches; nothing to switch. A slot member that must be activated is the encoder's own driver (obs).
  actions: [],
  actionParams: {},
  metrics: {
    scheme: 'the URL scheme (udp, srt, rtmp, rtsp, http…)',
    playlistBytes: 'size of the HLS playlist the probe fetched (http/https)',
  },
});
