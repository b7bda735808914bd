/**
 * A live HLS media playlist as ffmpeg's hls muxer writes it (RFC 8216 §4.3), read and written again
 * with a window of our choosing: what the platform simulator serves when it falls behind. Pure.
 */

export interface PlaylistSegment {
  /** The segment's media sequence number (RFC 8216 §6.2.1: the playlist's first one plus its index). */
  sequence: number;
  uri: string;
  durationS: number;
  /** EXT-X-PROGRAM-DATE-TIME: the wall-clock time of the segment's first sample, where the muxer wrote it. */
  programDateTime?: string;
  /** The tag lines before the URI, as written (EXTINF, PROGRAM-DATE-TIME, DISCONTINUITY). */
  tags: string[];
}

export interface MediaPlaylist {
  /** Playlist-level lines (EXTM3U, VERSION, TARGETDURATION…), MEDIA-SEQUENCE left out: rendering sets it. */
  header: string[];
  mediaSequence: number;
  segments: PlaylistSegment[];
}

/** Tags that belong to the next segment rather than to the playlist (RFC 8216 §4.3.2). */
const SEGMENT_TAG = /^#EXT(?:INF|-X-PROGRAM-DATE-TIME|-X-DISCONTINUITY|-X-BYTERANGE|-X-KEY|-X-MAP)\b/;
const MEDIA_SEQUENCE = /^#EXT-X-MEDIA-SEQUENCE:(\d+)/;

/** A segment's EXT-X-PROGRAM-DATE-TIME in ms since the epoch (ffmpeg writes the zone as +0000, ISO 8601 basic). */
export function programDateMs(segment: PlaylistSegment): number | undefined {
  if (!segment.programDateTime) return undefined;
  const ms = Date.parse(segment.programDateTime.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isFinite(ms) ? ms : undefined;
}

export function parseMediaPlaylist(text: string): MediaPlaylist {
  const header: string[] = [];
  const segments: PlaylistSegment[] = [];
  let mediaSequence = 0;
  let tags: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line === '#EXT-X-ENDLIST') continue;
    const sequence = MEDIA_SEQUENCE.exec(line);
    if (sequence) mediaSequence = Number(sequence[1]);
    else if (SEGMENT_TAG.test(line)) tags.push(line);
    else if (line.startsWith('#')) header.push(line);
    else {
      const extinf = tags.find((t) => t.startsWith('#EXTINF:'));
      const pdt = tags.find((t) => t.startsWith('#EXT-X-PROGRAM-DATE-TIME:'));
      segments.push({
        sequence: mediaSequence + segments.length,
        uri: line,
        durationS: extinf ? Number.parseFloat(extinf.slice('#EXTINF:'.length)) : 0,
        ...(pdt ? { programDateTime: pdt.slice('#EXT-X-PROGRAM-DATE-TIME:'.length) } : {}),
        tags,
      });
      tags = [];
    }
  }
  return { header, mediaSequence, segments };
}

/**
 * The playlist a viewer is served: the newest `windowSegments` segments that are at least `behindMs`
 * old at the live edge (the newest ones whose durations add up to `behindMs` are held back), with the
 * media sequence of the first one served. Held back, the playlist still advances, a segment at a time,
 * but everything in it is `behindMs` late.
 */
export function renderWindow(playlist: MediaPlaylist, windowSegments: number, behindMs = 0): string {
  const segments = [...playlist.segments];
  let heldMs = 0;
  while (behindMs > 0 && heldMs < behindMs && segments.length > 0) heldMs += segments.pop()!.durationS * 1_000;
  const served = segments.slice(-windowSegments);
  const first = served[0]?.sequence ?? playlist.mediaSequence + playlist.segments.length;
  const [m3u = '#EXTM3U', ...rest] = playlist.header;
  return [m3u, ...rest, `#EXT-X-MEDIA-SEQUENCE:${first}`, ...served.flatMap((s) => [...s.tags, s.uri]), ''].join('\n');
}
