/**
 * Live pictures (issue 24), the pure parts: the topic and who may publish it, cutting whole JPEGs
 * out of ffmpeg's pipe, the agent's newest-wins outbox, the controller's newest-per-device store,
 * the ETag check, the faults and levels from a health message, and the meter's scale.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../lib/clock.ts';
import { silentLogger } from '../../../lib/logger.ts';
import { mayPublish, maySubscribe } from '../../../protocols/access.ts';
import { parsePictureTopic, pictureBound, pictureTopic } from '../../../protocols/picture-topic.ts';
import { PICTURE_MAX_BYTES, isWholeJpeg } from '../../../protocols/pictures.ts';
import { JpegSplitter, jpegEnd } from '../../../agent/media/jpeg-stream.ts';
import { PictureOutbox } from '../../../agent/media/picture-outbox.ts';
import { ffmpegArgs } from '../../../agent/media/ffmpeg-args.ts';
import { withDefaults } from '../../../agent/media/config-defaults.ts';
import type { MediaWatchConfig } from '../../../protocols/media.ts';
import { LatestPictures } from '../../../controller/fleet/pictures.ts';
import { etagMatches } from '../../../controller/http/picture-route.ts';
import { LiveMedia, liveMediaOf } from '../../../controller/http/live-media.ts';
import { meterHeight, meterZone } from '../../../console/picture-parts.ts';
import { hasFfmpeg } from '../../support/processes.ts';

/** A tiny JPEG-shaped byte run: SOI, a COM segment holding FF D9 (which must not end it), SOS, data with a stuffed FF 00 and a restart, EOI. */
function fakeJpeg(fill: number, dataBytes = 10): Buffer {
  const com = [0xff, 0xfe, 0x00, 0x04, 0xff, 0xd9];
  const sos = [0xff, 0xda, 0x00, 0x02];
  const data = [...Array.from({ length: dataBytes }, () => fill), 0xff, 0x00, 0xff, 0xd0, fill];
  return Buffer.from([0xff, 0xd8, ...com, ...sos, ...data, 0xff, 0xd9]);
}

describe('the picture topic', () => {
  it('sits under the agent’s own agents/{id}/devices/{device}/: that agent may publish it, another may not; nobody else reads it but the controller', () => {
    const t = pictureTopic('agent-a', 'cam-1');
    expect(t).toBe('onair/v1/agents/agent-a/devices/cam-1/picture');
    expect(mayPublish({ kind: 'agent', id: 'agent-a' }, t)).toBe(true);
    expect(mayPublish({ kind: 'agent', id: 'agent-b' }, t)).toBe(false);
    expect(mayPublish({ kind: 'user', name: 'eve', role: 'admin' }, t)).toBe(false);
    expect(maySubscribe({ kind: 'user', name: 'vic', role: 'viewer' }, t)).toBe(false);
    expect(parsePictureTopic(t)).toEqual({ agentId: 'agent-a', deviceId: 'cam-1' });
    expect(parsePictureTopic('onair/v1/agents/agent-a/devices/cam-1/health')).toBeUndefined();
    expect(parsePictureTopic('onair/v1/agents/a b/devices/cam-1/picture')).toBeUndefined();
    expect(pictureBound(t)).toBe(PICTURE_MAX_BYTES);
    expect(pictureBound('onair/v1/agents/agent-a/heartbeat')).toBeUndefined();
  });
});

describe('JPEGs out of the pipe', () => {
  it('finds the end by walking the segments: FF D9 inside a comment or as stuffed data does not end a picture', () => {
    const jpeg = fakeJpeg(0x11);
    expect(jpegEnd(jpeg, 0)).toBe(jpeg.length);
    expect(jpegEnd(jpeg.subarray(0, jpeg.length - 1), 0)).toBeUndefined();
    expect(jpegEnd(Buffer.from([0xff, 0xd8, 0x12, 0x34]), 0)).toBe(-1);
  });

  it('cuts whole pictures however the pipe splits them, and skips garbage between them', () => {
    const a = fakeJpeg(0x11);
    const b = fakeJpeg(0x22, 40);
    const stream = Buffer.concat([Buffer.from([1, 2, 3]), a, b]);
    for (const cut of [1, 2, 7, 13, a.length + 2, stream.length - 1]) {
      const splitter = new JpegSplitter(1_000);
      const out = [...splitter.push(stream.subarray(0, cut)), ...splitter.push(stream.subarray(cut))];
      expect(out, `cut at ${cut}`).toEqual([a, b]);
    }
  });

  it('drops an unfinished picture past its bound and picks up at the next one', () => {
    const splitter = new JpegSplitter(30);
    expect(splitter.push(fakeJpeg(0x11, 100).subarray(0, 60))).toEqual([]);
    const next = fakeJpeg(0x33);
    expect(splitter.push(next)).toEqual([next]);
  });

  it('asks for pictures only where the picture is checked; a driver’s pictures (one a second already) are re-encoded as they come', () => {
    const picture = withDefaults({ source: { url: 'x' }, role: 'source', picture: {} } as unknown as MediaWatchConfig);
    const soundOnly = withDefaults({ source: { url: 'x' }, role: 'source', sound: {} } as unknown as MediaWatchConfig);
    expect(ffmpegArgs({ kind: 'url', url: 'udp://x' }, picture, true)).toContain('pipe:5');
    expect(ffmpegArgs({ kind: 'url', url: 'udp://x' }, picture, false)).not.toContain('pipe:5');
    expect(ffmpegArgs({ kind: 'url', url: 'udp://x' }, soundOnly, true)).not.toContain('pipe:5');
    const images = ffmpegArgs({ kind: 'images', format: 'png', subscribe: () => () => undefined }, picture, true);
    const output = images.slice(images.lastIndexOf('-map'));
    expect(output.join(' ')).toMatch(/-filter:v scale=320:-2\S* -fps_mode passthrough -c:v mjpeg/);
  });

  it.runIf(hasFfmpeg())('cuts what ffmpeg’s picture output writes into valid 320 px JPEGs', () => {
    const config = withDefaults({ source: { url: 'x' }, role: 'source', picture: {} } as unknown as MediaWatchConfig);
    const args = ffmpegArgs({ kind: 'url', url: 'testsrc2=size=1280x720:rate=25:duration=3' }, config, true);
    // The same command line, the input swapped for lavfi's test source and fd 5 for stdout.
    const input = args.indexOf('-i');
    const run = [...args.slice(0, input), '-f', 'lavfi', ...args.slice(input)].map((a) =>
      a === 'pipe:5' ? 'pipe:1' : a === 'pipe:1' ? '/dev/null' : a,
    );
    const r = spawnSync('ffmpeg', run, { maxBuffer: 10 * 1024 * 1024 });
    expect(r.status, String(r.stderr)).toBe(0);
    const pictures = new JpegSplitter(PICTURE_MAX_BYTES).push(r.stdout);
    expect(pictures.length).toBeGreaterThanOrEqual(3);
    for (const p of pictures) {
      expect(isWholeJpeg(p)).toBe(true);
      expect(p.length).toBeLessThan(PICTURE_MAX_BYTES);
      // SOF0's width: 320
      const sof = p.indexOf(Buffer.from([0xff, 0xc0]));
      expect(p.readUInt16BE(sof + 7)).toBe(320);
    }
  });
});

describe('the agent’s picture outbox', () => {
  it('sends one picture per device at a time; while one is on its way, the newest waits and older ones are dropped', () => {
    const sent: Array<{ device: string; jpeg: Buffer; done: () => void }> = [];
    const outbox = new PictureOutbox({ send: (device, jpeg, done) => (sent.push({ device, jpeg, done }), true), log: silentLogger() });
    const [p1, p2, p3, q1] = [fakeJpeg(1), fakeJpeg(2), fakeJpeg(3), fakeJpeg(4)];
    outbox.offer('cam-1', p1);
    outbox.offer('cam-1', p2);
    outbox.offer('cam-1', p3);
    outbox.offer('cam-2', q1); // another device is not held up
    expect(sent.map((s) => s.jpeg)).toEqual([p1, q1]);
    sent[0]!.done();
    expect(sent.map((s) => s.jpeg)).toEqual([p1, q1, p3]);
    expect(outbox.counters).toEqual({ sent: 3, dropped: 1, oversize: 0 });
  });

  it('drops a picture over its bound, and one offered while not connected', () => {
    let connected = false;
    const outbox = new PictureOutbox({ send: (_d, _j, done) => (connected ? (done(), true) : false), log: silentLogger(), maxBytes: 30 });
    outbox.offer('cam-1', fakeJpeg(1, 100));
    outbox.offer('cam-1', fakeJpeg(1));
    connected = true;
    outbox.offer('cam-1', fakeJpeg(1));
    expect(outbox.counters).toEqual({ sent: 1, dropped: 1, oversize: 1 });
  });
});

describe('the controller’s newest pictures', () => {
  const make = (clock = new ManualClock(5_000)) =>
    new LatestPictures({ clock, log: silentLogger(), known: (a, d) => a === 'rack' && d !== 'ghost', maxBytes: 100 });

  it('keeps the newest per registered device, each with its own ETag', () => {
    const pictures = make();
    expect(pictures.take('onair/v1/agents/rack/devices/cam-1/health', Buffer.from('{}'))).toBe(false);
    expect(pictures.take(pictureTopic('rack', 'cam-1'), fakeJpeg(1))).toBe(true);
    const first = pictures.latest('rack', 'cam-1')!;
    pictures.take(pictureTopic('rack', 'cam-1'), fakeJpeg(2));
    const second = pictures.latest('rack', 'cam-1')!;
    expect(second.jpeg).toEqual(fakeJpeg(2));
    expect(second.etag).not.toBe(first.etag);
    expect(pictures.size).toBe(1);
  });

  it('drops an oversize picture, a broken one and one of a device nobody registered', () => {
    const pictures = make();
    pictures.take(pictureTopic('rack', 'cam-1'), fakeJpeg(1, 200));
    pictures.take(pictureTopic('rack', 'cam-1'), Buffer.from('not a jpeg'));
    pictures.take(pictureTopic('rack', 'ghost'), fakeJpeg(1));
    pictures.take(pictureTopic('other', 'cam-1'), fakeJpeg(1));
    expect(pictures.size).toBe(0);
    expect(pictures.counters).toEqual({ pictures: 0, droppedPictures: 4 });
  });

  it('answers If-None-Match with the ETag, a list of them, or *', () => {
    expect(etagMatches('"a-1"', '"a-1"')).toBe(true);
    expect(etagMatches('"a-0", W/"a-1"', '"a-1"')).toBe(true);
    expect(etagMatches('*', '"a-1"')).toBe(true);
    expect(etagMatches('"a-2"', '"a-1"')).toBe(false);
    expect(etagMatches(undefined, '"a-1"')).toBe(false);
  });
});

describe('faults and levels for the wall', () => {
  it('reads the media watch’s metrics from a health message; a device without them is not on the list', () => {
    const sound = [{ name: 'sound', status: 'failed' as const, latencyMs: 0 }];
    expect(
      liveMediaOf('rack', 'mic-1', {
        ts: 9,
        checks: sound,
        metrics: { contentFaults: 'silent,bogus', peakDbfs: -72.5, shortTermLufs: -40 },
      }),
    ).toEqual({
      agent: 'rack',
      device: 'mic-1',
      faults: ['silent'],
      sound: true,
      peakDbfs: -72.5,
      shortTermLufs: -40,
      ts: 9,
    });
    expect(liveMediaOf('rack', 'ptz', { ts: 9, checks: [], metrics: { panDeg: 3 } })).toBeUndefined();
    const media = new LiveMedia((_a, d) => d === 'cam-1');
    media.note('rack', 'cam-1', { ts: 1, checks: [], metrics: { contentFaults: 'black' } });
    media.note('rack', 'mic-1', { ts: 1, checks: sound, metrics: { contentFaults: '' } }); // digitally silent: no peak
    expect(media.view().devices.map((d) => [d.device, d.faults, d.picture, d.sound, d.peakDbfs])).toEqual([
      ['cam-1', ['black'], true, false, undefined],
      ['mic-1', [], false, true, undefined],
    ]);
  });

  it('scales a meter from −60 dBFS (empty) to 0 dBFS (full): green, amber past −18, red past −6', () => {
    expect(meterHeight(-90)).toBe(0);
    expect(meterHeight(-30)).toBe(50);
    expect(meterHeight(3)).toBe(100);
    expect([meterZone(-40), meterZone(-12), meterZone(-3)]).toEqual(['green', 'amber', 'red']);
  });
});
