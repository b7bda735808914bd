/**
 * Live pictures on the wall (issue 24): each watched device's newest thumbnail, a small JPEG its
 * agent's media watch encodes about once a second from the frames it already decodes. Binary
 * payloads outside the JSON contract (protocols/contract.ts TOPICS): the topic, its bound and the
 * picture's shape are stated here, and the broker, the agent and the controller read them from here.
 *
 * - Topic `onair/v1/agents/{agentId}/devices/{deviceId}/picture`: under the agent's own
 *   `agents/{id}/`, so the access rules (protocols/access.ts) grant it to that agent alone.
 * - QoS 0, not retained: a picture is news for a second; a lost one is replaced by the next, and a
 *   retained one would show a dead camera's last frame as if it were live.
 * - At most PICTURE_MAX_BYTES: a larger one is dropped by the agent (logged), refused by the broker
 *   (the embedded broker's payload bound) and dropped by the controller (logged).
 */
// Pure, no imports: the console's page loads this module too (the topic's builders, which need the
// contract's root and id rule, are in picture-topic.ts).

/** 64 KiB: a 320 px wide JPEG at ffmpeg's -q:v 5 is 8-25 KB; 64 KiB leaves room for a busy picture. */
export const PICTURE_MAX_BYTES = 64 * 1024;
/** The thumbnail's width in pixels (height follows the picture's aspect ratio, even). */
export const PICTURE_WIDTH = 320;
/** ffmpeg's -q:v for the mjpeg encoder (2 best … 31 worst): small and still readable on a wall. */
export const PICTURE_QUALITY = 5;
/** About once a second: a multiviewer's thumbnail, not a video. */
export const PICTURE_INTERVAL_MS = 1_000;
/** A picture older than this is shown greyed, with its age. */
export const PICTURE_STALE_MS = 3_000;
export const PICTURE_QOS = 0;
export const PICTURE_RETAIN = false;

/** A whole JPEG: starts with SOI (FF D8) and ends with EOI (FF D9). */
export const isWholeJpeg = (bytes: Uint8Array): boolean =>
  bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[bytes.length - 2] === 0xff && bytes[bytes.length - 1] === 0xd9;

/** The last topic level of a device's picture: agents/{agentId}/devices/{deviceId}/picture. */
export const PICTURE_TOPIC_LEAF = 'picture';

/** The headers GET /api/picture/{agent}/{device} answers with, beside ETag and Cache-Control. */
export const PICTURE_AGE_HEADER = 'x-onair-picture-age-ms';
export const pictureUrl = (agentId: string, deviceId: string): string =>
  `/api/picture/${encodeURIComponent(agentId)}/${encodeURIComponent(deviceId)}`;
