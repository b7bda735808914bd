/**
 * A device with `media`: the driver's probe and the watch's reading as one health (pure rules), and
 * the watch's lifetime around the driver's. The watch is a fake here (its ffmpeg side has its own tests).
 */
import { describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { ManualClock } from '../../../lib/clock.ts';
import { silentLogger } from '../../../lib/logger.ts';
import { MediaWatchConfig, SoundChecks, type MediaSource } from '../../../protocols/media.ts';
import type { HealthCheck } from '../../../protocols/schemas.ts';
import { lazyCatalogEntry, type Driver, type ProbeResult } from '../../../agent/driver.ts';
import { mergeContent, watchedConfig, withMedia } from '../../../agent/media/with-media.ts';
import type { ContentReading, MediaFeed, MediaWatch, MediaWatchDeps } from '../../../agent/media/types.ts';
import { NO_PARAMS } from '../../../protocols/drivers/spec.ts';
import { memoryKeptState } from '../../../agent/kept-state.ts';
import { Type } from '@sinclair/typebox';

const gear = (status: ProbeResult['status'], checks: HealthCheck[] = [{ name: 'clock', status, latencyMs: 3 }]): ProbeResult => ({
  status,
  checks,
  metrics: { model: 'P1448-LE', clockOffsetMs: 0 },
});
const content = (picture: HealthCheck['status'], detail?: string): ContentReading => ({
  checks: [{ name: 'picture', status: picture, latencyMs: 0, ...(detail ? { detail } : {}) }],
  metrics: { contentFaults: picture === 'failed' ? 'black' : '', frameAgeMs: 180 },
  faults: picture === 'failed' ? ['black'] : [],
});

describe('a device and its content, as one health (mergeContent)', () => {
  it.each([
    ['ok', 'ok', 'ok'],
    ['ok', 'degraded', 'degraded'],
    ['degraded', 'ok', 'degraded'],
    ['ok', 'failed', 'failed'],
    ['degraded', 'failed', 'failed'],
    ['failed', 'ok', 'failed'],
    ['failed', 'degraded', 'failed'],
  ] as const)('gear %s, content %s: the device is %s', (g, c, expected) => {
    expect(mergeContent(gear(g), content(c)).status).toBe(expected);
  });

  it('a content failure alone fails a device whose gear answers fine, with the content checks after the gear’s', () => {
    const merged = mergeContent(gear('ok'), content('failed', 'black for 2.4 s'));
    expect(merged).toEqual({
      status: 'failed',
      checks: [
        { name: 'clock', status: 'ok', latencyMs: 3 },
        { name: 'picture', status: 'failed', latencyMs: 0, detail: 'black for 2.4 s' },
      ],
      metrics: { model: 'P1448-LE', clockOffsetMs: 0, contentFaults: 'black', frameAgeMs: 180 },
    });
  });

  it("merges metrics with the watch's names winning, and leaves a probe alone when the watch has nothing yet", () => {
    const probed = { ...gear('ok'), metrics: { frameAgeMs: 'from the driver', fps: 30 } };
    expect(mergeContent(probed, content('ok')).metrics).toEqual({ frameAgeMs: 180, fps: 30, contentFaults: '' });
    expect(mergeContent(probed, { checks: [], metrics: {} })).toBe(probed);
  });
});

describe('what a watch checks (watchedConfig)', () => {
  const named = (c: Partial<MediaWatchConfig>) => Object.keys(watchedConfig({ ...config({ url: 'udp://127.0.0.1:5000' }), ...c })).sort();

  it('the aspects its config names, else those its role implies: a source its picture, the program its sound too, the playback its playlist too', () => {
    expect(named({ sound: Value.Default(SoundChecks, {}) as SoundChecks })).toEqual(['analysis', 'role', 'sound', 'source']);
    expect(named({ role: 'source' })).toEqual(['analysis', 'picture', 'role', 'source']);
    expect(named({ role: 'program' })).toEqual(['analysis', 'picture', 'role', 'sound', 'source']);
    expect(named({ role: 'playback' })).toEqual(['analysis', 'picture', 'playback', 'role', 'sound', 'source']);
    expect(watchedConfig(config({ url: 'udp://127.0.0.1:5000' })).picture).toMatchObject({ blackForMs: 2_000, noSignalForMs: 2_000 });
  });
});

/** A watch whose reading the test sets; it records what it was made with and its lifetime. */
class FakeWatch implements MediaWatch {
  now: ContentReading = content('ok');
  started = 0;
  stopped = 0;
  constructor(readonly deps: MediaWatchDeps) {}
  start(): void {
    this.started += 1;
  }
  reading(): ContentReading {
    return this.now;
  }
  async stop(): Promise<void> {
    this.stopped += 1;
  }
}

const config = (source: MediaSource) => Value.Default(MediaWatchConfig, { source }) as MediaWatchConfig;

function device(source: MediaSource, driver: Partial<Driver> = {}, driverName = 'onvif') {
  const watches: FakeWatch[] = [];
  const base: Driver = {
    connect: async () => {},
    probe: async () => gear('ok'),
    execute: async () => ({ data: { done: true } }),
    close: async () => {},
    ...driver,
  };
  const d = withMedia({
    deviceId: 'cam-2',
    driverName,
    config: config(source),
    driver: base,
    watches: (deps) => {
      const w = new FakeWatch(deps);
      watches.push(w);
      return w;
    },
    feedTimeoutMs: 1_000,
    clock: new ManualClock(),
    log: silentLogger(),
  });
  return { d, watches };
}

/** Until the background ask for the source settles (a few turns of the event loop, no timer). */
const settled = () => new Promise((r) => setImmediate(r));
const signal = new AbortController().signal;

describe('a device with media (withMedia)', () => {
  it('starts the watch on the URL after the driver connects, merges its reading into each probe, and stops it on close', async () => {
    const { d, watches } = device({ url: 'srt://127.0.0.1:9000' });
    await d.connect(signal);
    await settled();
    expect(watches).toHaveLength(1);
    expect(watches[0]!.deps).toMatchObject({ deviceId: 'cam-2', feed: { kind: 'url', url: 'srt://127.0.0.1:9000' } });
    expect(watches[0]!.started).toBe(1);

    expect((await d.probe(signal)).status).toBe('ok');
    watches[0]!.now = content('failed', 'black for 2.0 s');
    expect(await d.probe(signal)).toMatchObject({
      status: 'failed',
      checks: [{ name: 'clock' }, { name: 'picture', detail: 'black for 2.0 s' }],
    });
    expect(await d.execute('activate', {}, signal)).toEqual({ data: { done: true } });

    await d.close();
    expect(watches[0]!.stopped).toBe(1);
    await d.connect(signal);
    await settled();
    expect(
      watches.map((w) => [w.started, w.stopped]),
      'a new watch for the new connection',
    ).toEqual([
      [1, 1],
      [1, 0],
    ]);
  });

  it("asks a fromDriver source of the driver, with the profile's media profile token", async () => {
    const asked: unknown[] = [];
    const feed: MediaFeed = { kind: 'url', url: 'rtsp://admin:secret@127.0.0.1:554/sub' };
    const { d, watches } = device({ fromDriver: 'stream', mediaProfile: 'prof_sub_2' }, { mediaFeed: async (s) => (asked.push(s), feed) });
    await d.connect(signal);
    await settled();
    expect(asked).toEqual([{ fromDriver: 'stream', mediaProfile: 'prof_sub_2' }]);
    expect(watches[0]!.deps.feed).toBe(feed);
  });

  it('a driver without mediaFeed: a failed check naming the device and the missing capability, the gear still probed', async () => {
    const { d, watches } = device({ fromDriver: 'stream' }, {}, 'visca');
    await d.connect(signal);
    await settled();
    expect(watches).toHaveLength(0);
    const probed = await d.probe(signal);
    expect(probed.status).toBe('failed');
    expect(probed.checks).toEqual([
      { name: 'clock', status: 'ok', latencyMs: 3 },
      {
        name: 'media',
        status: 'failed',
        latencyMs: 0,
        detail: "cam-2: the visca driver cannot give this device's media (it has no mediaFeed); give the media source as a url instead",
      },
    ]);
  });

  it('says the same through a driver that loads on first use (its capability is known only once loaded)', async () => {
    const spec = { name: 'visca', optionsSchema: Type.Object({}), actions: ['standby'], actionParams: { standby: NO_PARAMS }, metrics: {} };
    const plain = { connect: async () => {}, probe: async () => gear('ok'), execute: async () => ({}), close: async () => {} };
    const lazy = lazyCatalogEntry({ ...spec, load: async () => ({ ...spec, create: () => plain }) }).create({
      deviceId: 'cam-3',
      options: {},
      log: silentLogger(),
      state: memoryKeptState(),
    });
    await lazy.connect(signal);
    await expect(lazy.mediaFeed!({ fromDriver: 'stream' }, signal)).rejects.toThrow(
      "cam-3: the visca driver cannot give this device's media (it has no mediaFeed)",
    );
  });

  it('a source the driver cannot find (GetStreamUri refused) fails the device with the reason; the next connection asks again', async () => {
    let refuse = true;
    const { d, watches } = device(
      { fromDriver: 'stream' },
      {
        mediaFeed: async () => {
          if (refuse) throw new Error('ONVIF SOAP Fault: ter:InvalidArgVal/ter:NoProfile');
          return { kind: 'url', url: 'rtsp://127.0.0.1/sub' };
        },
      },
    );
    await d.connect(signal);
    await settled();
    expect((await d.probe(signal)).checks[1]).toEqual({
      name: 'media',
      status: 'failed',
      latencyMs: 0,
      detail: 'cam-2: its media cannot be watched: ONVIF SOAP Fault: ter:InvalidArgVal/ter:NoProfile',
    });
    refuse = false;
    await d.close();
    await d.connect(signal);
    await settled();
    expect(watches).toHaveLength(1);
    expect((await d.probe(signal)).status).toBe('ok');
  });

  it('a watch whose source arrives after its device closed is never started (no ffmpeg left behind)', async () => {
    let answer: (f: MediaFeed) => void = () => {};
    const { d, watches } = device({ fromDriver: 'stream' }, { mediaFeed: () => new Promise((r) => (answer = r)) });
    await d.connect(signal);
    await d.close();
    answer({ kind: 'url', url: 'rtsp://127.0.0.1/late' });
    await settled();
    expect(watches).toHaveLength(0);
  });

  it('a watch that throws when read fails its device with the reason, never the agent', async () => {
    const { d, watches } = device({ url: 'udp://127.0.0.1:5000' });
    await d.connect(signal);
    await settled();
    watches[0]!.reading = () => {
      throw new Error('parser state lost');
    };
    expect((await d.probe(signal)).checks[1]).toMatchObject({
      name: 'media',
      status: 'failed',
      detail: 'cam-2: its media cannot be watched: the media watch failed: parser state lost',
    });
  });
});
