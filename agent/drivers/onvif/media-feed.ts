/**
 * An ONVIF camera's own stream for its media watch: GetProfiles, the media profile asked for or the
 * lowest-resolution one (a camera's substream: decoding it costs a fraction of the main stream's),
 * then GetStreamUri for it with StreamSetup Stream = RTP-Unicast, Transport Protocol = RTSP (RTP
 * interleaved in the RTSP TCP connection; media.wsdl trt:GetStreamUri, onvif.xsd tt:StreamSetup).
 * Cameras answer an rtsp:// URI that usually carries no credentials, while its RTSP server asks
 * for the same account as ONVIF (Digest): they go into the URI for ffmpeg.
 */
import type { Cam } from 'onvif';
import type { MediaSource } from '../../../protocols/media.ts';
import type { MediaFeed } from '../../media/types.ts';
import { call } from './callback.ts';

/** A media profile as the onvif library parses trt:Profiles (tokens that look numeric arrive as numbers). */
export interface ParsedMediaProfile {
  $?: { token?: string | number };
  name?: string;
  videoEncoderConfiguration?: { resolution?: { width?: number | string; height?: number | string } };
}

const tokenOf = (p: ParsedMediaProfile): string | undefined => (p.$?.token === undefined ? undefined : String(p.$.token));
const pixels = (p: ParsedMediaProfile): number => {
  const r = p.videoEncoderConfiguration?.resolution;
  const area = Number(r?.width) * Number(r?.height);
  return Number.isFinite(area) && area > 0 ? area : Number.POSITIVE_INFINITY; // no video encoder: the last choice
};

/** The token of the profile to watch: the one named, or the one with the fewest pixels (the first of equals). */
export function chooseMediaProfile(profiles: readonly ParsedMediaProfile[], wanted?: string): string {
  const tokens = profiles.map(tokenOf).filter((t): t is string => t !== undefined);
  if (tokens.length === 0) throw new Error('GetProfiles answered no media profile');
  if (wanted !== undefined) {
    if (tokens.includes(wanted)) return wanted;
    throw new Error(`no media profile "${wanted}"; the camera has: ${describe(profiles)}`);
  }
  let best = profiles.find((p) => tokenOf(p) !== undefined)!;
  for (const p of profiles) if (tokenOf(p) !== undefined && pixels(p) < pixels(best)) best = p;
  return tokenOf(best)!;
}

function describe(profiles: readonly ParsedMediaProfile[]): string {
  return profiles
    .map((p) => {
      const r = p.videoEncoderConfiguration?.resolution;
      return `${tokenOf(p)}${r?.width ? ` (${r.width}x${r.height})` : ''}`;
    })
    .join(', ');
}

/**
 * An RTSP URI with the camera's account in it, unless the camera already put one there. Other
 * schemes (a camera or simulator answering srt:// or an HLS URL) are left as answered: their
 * userinfo is not the RTSP server's login.
 */
export function withCredentials(uri: string, username: string | undefined, password: string | undefined): string {
  if (!username) return uri;
  const url = new URL(uri);
  if (url.protocol !== 'rtsp:' && url.protocol !== 'rtsps:') return uri;
  if (url.username || url.password) return uri;
  // The URL setters percent-encode what a userinfo cannot hold (':' '@' '/' in a password).
  url.username = username;
  url.password = password ?? '';
  return url.href;
}

export async function cameraStream(
  cam: Cam,
  source: Exclude<MediaSource, { url: string }>,
  account: { username?: string | undefined; password?: string | undefined },
): Promise<MediaFeed> {
  if (source.fromDriver !== 'stream')
    throw new Error(`an ONVIF camera gives its stream, not ${source.fromDriver}: use source: { fromDriver: stream }`);
  const profiles = await call<ParsedMediaProfile[]>((done) => cam.getProfiles(done));
  const profileToken = chooseMediaProfile(profiles ?? [], source.mediaProfile);
  const answer = await call<{ uri?: unknown }>((done) => cam.getStreamUri({ stream: 'RTP-Unicast', protocol: 'RTSP', profileToken }, done));
  if (typeof answer?.uri !== 'string' || answer.uri.length === 0)
    throw new Error(`GetStreamUri for media profile ${profileToken} answered no URI`);
  return { kind: 'url', url: withCredentials(answer.uri, account.username, account.password) };
}
