/**
 * The simulators that make real media (issue 22): each content is what it claims, seen by plain
 * ffmpeg detection filters of the test's own (test/support/media-reader.ts), over UDP, SRT and HLS on
 * loopback, switched while the stream runs; the platform's playlist stalls, falls behind and serves
 * late; no ffmpeg is left behind. Waits are on log lines and frame counts, each with a timeout.
 */
import { describe, expect, it } from 'vitest';
import { MediaSourceSimulator, freeUdpPort, type MediaTransport } from '../../simulators/media-source.ts';
import { parseMediaPlaylist, programDateMs } from '../../simulators/hls-playlist.ts';
import { withTimeout } from '../../lib/timeout.ts';
import { OnvifCameraSimulator, passwordDigest } from '../../simulators/onvif-camera.ts';
import { MediaReader, SEEN, hasFfmpeg } from '../support/media-reader.ts';
import { cleanupAfterEach, eventually } from './helpers.ts';

const cleanup = cleanupAfterEach();
/** Any wait for something the stream shows: start-up, a 1 s detection window, a loaded machine. */
const SEE_MS = 20_000;

async function startSource(transport: MediaTransport, extra: { startDelayMs?: number } = {}): Promise<MediaSourceSimulator> {
  const source = new MediaSourceSimulator({ transport, ...extra });
  cleanup.defer(() => source.stop());
  await source.start();
  return source;
}

function read(url: string): MediaReader {
  const reader = new MediaReader(url);
  cleanup.defer(() => reader.stop());
  return reader;
}

const numbers = (matches: RegExpExecArray[], group = 1) => matches.map((m) => Number(m[group]));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Switches and waits until the reader's log, from the switch on, shows `pattern`. */
async function switchAndSee(
  source: MediaSourceSimulator,
  reader: MediaReader,
  content: Parameters<MediaSourceSimulator['setContent']>[0],
  pattern: RegExp,
) {
  const from = reader.mark();
  await source.setContent(content);
  return { from, match: await reader.waitFor(pattern, SEE_MS, `${pattern.source} after "${content}"`, from) };
}

/** Waits until a short-term loudness (ebur128's 3 s window) from `from` on meets `ok`; returns it. */
async function shortTermUntil(reader: MediaReader, ok: (lufs: number) => boolean, what: string, from: number): Promise<number> {
  const m = await reader.waitFor(SEEN.shortTerm, SEE_MS, what, from, (m) => ok(Number(m[2])));
  return Number(m[2]);
}

describe.runIf(hasFfmpeg())('media source simulator', () => {
  it('over UDP, each content is what it claims, switched while the stream runs, and no-signal stops it', async () => {
    const source = await startSource({ kind: 'udp', port: await freeUdpPort() });
    await source.whenRunning(SEE_MS);
    const reader = read(source.url);
    await reader.waitForFrames(15, SEE_MS); // the reader analyses 5 frames a second: 3 s
    // Normal: a moving picture and a tone at about −20 dBFS, none of the faults seen before any switch.
    expect(reader.matches(SEEN.blackStart)).toEqual([]);
    expect(reader.matches(SEEN.freezeStart)).toEqual([]);
    expect(reader.matches(SEEN.silenceStart)).toEqual([]);
    const normalPeaks = numbers(reader.matches(SEEN.peak)).slice(-5);
    expect(normalPeaks.length).toBeGreaterThan(0);
    for (const p of normalPeaks) expect(Math.abs(p + 20)).toBeLessThan(1);

    // Each fault holds while it is on (a frozen picture must not "move" at the next keyframe): no end seen.
    const black = await switchAndSee(source, reader, 'black', SEEN.blackStart);
    await reader.waitForFrames(5, SEE_MS);
    expect(reader.matches(SEEN.blackEnd, black.from)).toEqual([]);
    await switchAndSee(source, reader, 'normal', SEEN.blackEnd);

    const frozen = await switchAndSee(source, reader, 'frozen', SEEN.freezeStart);
    await reader.waitForFrames(10, SEE_MS);
    expect(reader.matches(SEEN.freezeEnd, frozen.from)).toEqual([]);
    expect(reader.matches(SEEN.blackStart, frozen.from)).toEqual([]); // a still picture, not a black one
    await switchAndSee(source, reader, 'normal', SEEN.freezeEnd);

    await switchAndSee(source, reader, 'silent', SEEN.silenceStart);
    await switchAndSee(source, reader, 'normal', SEEN.silenceEnd);

    // Clipping: sample peaks at full scale (an AAC decode of a flattened wave may overshoot 0 dBFS a little).
    let from = reader.mark();
    await source.setContent('clipping');
    await reader.waitFor(SEEN.peak, SEE_MS, 'a peak at full scale', from, (m) => Number(m[1]) >= -0.5);

    // Loudness: from normal (≈ −23 LUFS) the short-term loudness climbs for too-loud, falls for too-quiet.
    from = reader.mark();
    await source.setContent('normal');
    const normal = await shortTermUntil(reader, (s) => Math.abs(s + 23) <= 0.5, 'normal loudness (−23 LUFS)', from);
    from = reader.mark();
    await source.setContent('too-loud');
    const loud = await shortTermUntil(reader, (s) => s >= -12, 'too-loud loudness (−11 LUFS)', from);
    from = reader.mark();
    await source.setContent('too-quiet');
    const quiet = await shortTermUntil(reader, (s) => s <= -40, 'too-quiet loudness (−46 LUFS)', from);
    expect(reader.matches(SEEN.silenceStart, from)).toEqual([]); // quiet, not silent
    expect(loud - normal).toBeGreaterThan(10);
    expect(normal - quiet).toBeGreaterThan(16);

    const pid = source.pid!;
    await source.setContent('no-signal');
    await withTimeout('the reader ending', SEE_MS, () => reader.exited); // its udp read timeout ran out (§1.7)
    expect(source.pid).toBeUndefined();
    expect(alive(pid)).toBe(false);
    expect(source.restarts).toBe(0); // stopped on purpose, not restarted

    await source.setContent('normal');
    await read(source.url).waitForFrames(5, SEE_MS);
  });

  it('over SRT, a listener a watcher calls: black and silence reach it; when the caller leaves, the encoder listens again', async () => {
    const source = await startSource({ kind: 'srt' });
    expect(source.url).toMatch(/^srt:\/\/127\.0\.0\.1:\d+$/);
    const reader = read(source.url);
    await reader.waitForFrames(5, SEE_MS);
    expect(reader.matches(SEEN.blackStart)).toEqual([]);
    await switchAndSee(source, reader, 'black', SEEN.blackStart);
    await switchAndSee(source, reader, 'silent', SEEN.silenceStart); // black and silent together
    expect(source.content).toEqual({ picture: 'black', sound: 'silent', signal: true });

    const firstPid = source.pid!;
    const relistening = new Promise<number>((resolve) => source.on('spawned', resolve));
    await reader.stop(); // the listener ffmpeg ends with its caller, and is started again
    const secondPid = await withTimeout('the encoder listening again', SEE_MS, () => relistening);
    expect(secondPid).not.toBe(firstPid);
    const again = read(source.url);
    await again.waitForFrames(5, SEE_MS);
    await again.waitFor(SEEN.blackStart, SEE_MS, 'black after the restart'); // it came back in the content asked for

    await source.setContent('no-signal');
    await again.waitForNoFrames(3_000, SEE_MS);
  });

  it('over HLS, served by its platform with program date-times: black seen, a stall freezes the media sequence with 200s, behind and late on command', async () => {
    const source = await startSource({ kind: 'hls' });
    const platform = source.platform!;
    const playlist = async () => {
      const res = await fetch(source.url);
      expect(res.status).toBe(200);
      return parseMediaPlaylist(await res.text());
    };
    await eventually(async () => (await fetch(source.url)).status === 200, SEE_MS, 'the first segment'); // 404 before it
    const reader = read(source.url);
    await reader.waitForFrames(5, SEE_MS);
    const live = await playlist();
    expect(live.segments.length).toBeGreaterThan(0);
    expect(programDateMs(live.segments.at(-1)!)).toBeGreaterThan(Date.now() - 15_000); // what a watcher's delay is measured from
    await switchAndSee(source, reader, 'black', SEEN.blackStart);

    await platform.stall();
    const stalled = await playlist();
    await reader.waitForNoFrames(3_000, SEE_MS); // the watcher runs out of segments
    const later = await playlist();
    expect(later.mediaSequence).toBe(stalled.mediaSequence);
    expect(later.segments.map((s) => s.uri)).toEqual(stalled.segments.map((s) => s.uri));
    const segment = await fetch(new URL(later.segments[0]!.uri, source.url));
    expect(segment.status).toBe(200); // its segments are still served

    platform.resume();
    await eventually(async () => (await playlist()).mediaSequence > stalled.mediaSequence, SEE_MS, 'the playlist advancing again');

    // Behind: the newest segments held back, the playlist still advancing, its date-times older.
    const edge = await playlist();
    platform.setBehind(4_000);
    const behind = await playlist();
    const lagMs = programDateMs(edge.segments.at(-1)!)! - programDateMs(behind.segments.at(-1)!)!;
    expect(lagMs).toBeGreaterThanOrEqual(2_500); // 4 s held back, less a segment that may have come between the two requests
    platform.setBehind(0);

    platform.setLateSegments(1_500);
    const t0 = performance.now();
    const late = await fetch(new URL(edge.segments.at(-1)!.uri, source.url));
    await late.arrayBuffer();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(1_400);
  });

  it('restarts an encoder that dies, in the content asked for; stop() leaves no ffmpeg behind', async () => {
    const source = await startSource({ kind: 'udp', port: await freeUdpPort() });
    await source.whenRunning(SEE_MS);
    await source.setContent('black');
    const first = source.pid!;
    const restarted = new Promise<void>((resolve) => source.on('running', () => resolve()));
    process.kill(first, 'SIGKILL');
    await withTimeout('the encoder restarted', SEE_MS, () => restarted);
    expect(source.restarts).toBe(1);
    expect(source.pid).not.toBe(first);
    const reader = read(source.url);
    await reader.waitFor(SEEN.blackStart, SEE_MS, 'black after the restart');
    expect(source.pids.length).toBe(2);
    await source.stop();
    expect(source.pids.filter(alive)).toEqual([]);
  });

  it('starts late when told to, as a camera whose encoder comes up after its web server', async () => {
    const t0 = performance.now();
    const source = await startSource({ kind: 'udp', port: await freeUdpPort() }, { startDelayMs: 2_000 });
    await source.whenRunning(SEE_MS);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(2_000);
  });
});

describe.runIf(hasFfmpeg())('ONVIF camera with its own streams', () => {
  it('offers a main and a substream profile; GetStreamUri answers the real stream, whose picture switches on command', async () => {
    const camera = new OnvifCameraSimulator({ media: { transport: 'srt' } });
    cleanup.defer(() => camera.stop());
    await camera.listen();
    const profiles = await soap(camera, '<GetProfiles/>');
    expect([...profiles.matchAll(/Profiles token="([^"]+)"/g)].map((m) => m[1])).toEqual(['Profile_1', 'Profile_2']);
    expect([...profiles.matchAll(/<tt:Width>(\d+)<\/tt:Width>/g)].map((m) => m[1])).toEqual(['1920', '640']);
    const answer = await soap(camera, '<GetStreamUri><StreamSetup/><ProfileToken>Profile_2</ProfileToken></GetStreamUri>');
    const uri = /<tt:Uri>([^<]+)<\/tt:Uri>/.exec(answer)![1]!;
    expect(uri).toMatch(/^srt:\/\/127\.0\.0\.1:\d+$/);

    const reader = read(uri);
    await reader.waitForFrames(5, SEE_MS);
    expect(reader.matches(SEEN.blackStart)).toEqual([]);
    const from = reader.mark();
    await camera.setContent('black');
    await reader.waitFor(SEEN.blackStart, SEE_MS, 'the camera black', from);
  });
});

/** A WS-Security SOAP request to the camera's media service; the answer's text. */
async function soap(camera: OnvifCameraSimulator, operation: string): Promise<string> {
  const created = new Date().toISOString();
  const nonce = Buffer.from('media-simulators').toString('base64');
  const token = `<Security><UsernameToken><Username>admin</Username><Password>${passwordDigest(nonce, created, 'secret')}</Password><Nonce>${nonce}</Nonce><Created>${created}</Created></UsernameToken></Security>`;
  const body = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header>${token}</s:Header><s:Body>${operation}</s:Body></s:Envelope>`;
  const res = await fetch(`${camera.url}/onvif/media_service`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/soap+xml' },
    body,
  });
  expect(res.status).toBe(200);
  return res.text();
}
