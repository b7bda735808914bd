import { describe, expect, it } from 'vitest';
import { buildReport } from '../../controller/plan/report.ts';
import type { ControllerEvent, EventOf } from '../../protocols/events.ts';
import { eventFixtures } from '../support/event-fixtures.ts';

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 26, 18, 0);
/** A log entry as the controller writes it (checked against its type's schema). */
const ev = eventFixtures(T0);
type DeviceStatus = EventOf<'device.state'>['data']['to'];
type SlotCondition = EventOf<'slot.state'>['data']['to'];
const dev = (ts: number, device: string, from: DeviceStatus, to: DeviceStatus) =>
  ev(ts, 'device.state', { agent: 'a', device, data: { from, to }, reason: `${device} ${to}` });
const slot = (ts: number, from: SlotCondition | 'none', to: SlotCondition, id = 'studio-a/cam') =>
  ev(ts, 'slot.state', { slot: id, data: { from, to, active: 'none' } });

/**
 * A known log: a 2-hour show; cam-1 fails at 0:30, the slot is down 9 s, then failing over 1 s,
 * cam-2 takes over; at 1:00 the mic slot is degraded for 10 minutes. A second show of 1 hour has
 * its light slot down for 36 s. Failure rate = (10 s + 36 s) / 3 h.
 */
const log: ControllerEvent[] = [
  dev(-H, 'cam-1', 'unknown', 'ok'),
  dev(-H, 'cam-2', 'unknown', 'ok'),
  slot(-H, 'none', 'ok'),
  slot(-H, 'none', 'ok', 'studio-a/mic'),
  ev(0, 'show.started', {
    by: 'scheduler',
    data: {
      show: 'news',
      title: 'Evening news',
      studio: 'studio-a',
      slots: [
        { slot: 'studio-a/cam', members: ['a/cam-1', 'a/cam-2'] },
        { slot: 'studio-a/mic', members: ['a/mic-1'] },
      ],
    },
  }),
  dev(0.5 * H, 'cam-1', 'ok', 'failed'),
  slot(0.5 * H, 'ok', 'down'),
  ev(0.5 * H + 9_000, 'failover.started', { slot: 'studio-a/cam', by: 'controller', data: { from: 'a/cam-1', candidates: ['a/cam-2'] } }),
  slot(0.5 * H + 9_000, 'down', 'failing_over'),
  ev(0.5 * H + 10_000, 'failover.succeeded', {
    slot: 'studio-a/cam',
    by: 'controller',
    reason: 'a/cam-1 is failed',
    data: { from: 'a/cam-1', to: 'a/cam-2', durationMs: 1_000, attempts: [] },
  }),
  slot(0.5 * H + 10_000, 'failing_over', 'ok'),
  slot(1 * H, 'ok', 'degraded', 'studio-a/mic'),
  slot(1 * H + 600_000, 'degraded', 'ok', 'studio-a/mic'),
  dev(1.5 * H, 'cam-1', 'failed', 'ok'),
  ev(2 * H, 'show.ended', { data: { show: 'news', studio: 'studio-a', onAirMs: 2 * H } }),
  ev(3 * H, 'show.started', {
    data: { show: 'late', title: '', studio: 'studio-a', slots: [{ slot: 'studio-a/light', members: ['a/light-1'] }] },
  }),
  slot(3 * H, 'none', 'ok', 'studio-a/light'),
  slot(3.5 * H, 'ok', 'down', 'studio-a/light'),
  slot(3.5 * H + 36_000, 'down', 'ok', 'studio-a/light'),
  ev(4 * H, 'show.ended', { data: { show: 'late', studio: 'studio-a', onAirMs: H } }),
  ev(-0.5 * H, 'job.finished', {
    agent: 'a',
    device: 'cam-2',
    data: { job: 1, kind: 'preshow', state: 'failed', attempt: 1, show: 'news' },
  }),
  ev(-0.49 * H, 'job.finished', {
    agent: 'a',
    device: 'cam-2',
    data: { job: 2, kind: 'preshow', state: 'passed', attempt: 2, show: 'news' },
  }),
  ev(-0.5 * H, 'job.finished', {
    agent: 'a',
    device: 'cam-1',
    data: { job: 3, kind: 'preshow', state: 'passed', attempt: 1, show: 'news' },
  }),
  ev(-2 * H, 'job.finished', {
    agent: 'a',
    device: 'cam-1',
    data: { job: 4, kind: 'maintenance', state: 'skipped', attempt: 1, schedule: 'nightly' },
  }),
  ev(-2 * H, 'job.finished', {
    agent: 'a',
    device: 'light-1',
    data: { job: 5, kind: 'maintenance', state: 'timed_out', attempt: 1, schedule: 'nightly' },
  }),
];

describe('the reliability report (from the event log alone)', () => {
  const report = buildReport(log, { since: T0 - 4 * H, until: T0 + 5 * H });

  it('computes the technical failure rate against the 1% target', () => {
    expect(report.onAirMs).toBe(3 * H);
    expect(report.downOnAirMs).toBe(46_000);
    expect(report.technicalFailureRate).toBeCloseTo(46_000 / (3 * H), 12);
    expect(report.targetMet).toBe(true);
    expect(buildReport(log, { since: T0 - 4 * H, until: T0 + 5 * H, target: 0.001 }).targetMet).toBe(false);
  });

  it('per show: failures, failovers with who and time to recover, time degraded and down per slot', () => {
    const news = report.shows.find((s) => s.show === 'news')!;
    expect(news).toMatchObject({ title: 'Evening news', onAirMs: 2 * H, downMs: 10_000 });
    expect(news.failures).toEqual([{ ts: T0 + 0.5 * H, agent: 'a', device: 'cam-1', to: 'failed', reason: 'cam-1 failed' }]);
    expect(news.failovers).toEqual([
      {
        ts: T0 + 0.5 * H + 10_000,
        slot: 'studio-a/cam',
        from: 'a/cam-1',
        to: 'a/cam-2',
        by: 'controller',
        reason: 'a/cam-1 is failed',
        succeeded: true,
        recoverMs: 10_000,
        detectMs: null,
      },
    ]);
    expect(news.slots).toEqual([
      { slot: 'studio-a/cam', degradedMs: 0, downMs: 10_000 },
      { slot: 'studio-a/mic', degradedMs: 600_000, downMs: 0 },
    ]);
  });

  it('per device: availability, MTBF and MTTR over the period', () => {
    const cam1 = report.devices.find((d) => d.device === 'cam-1')!;
    // observed from its first state (T0-1h) to the end (T0+5h): 6 h, down 1 h (0:30 → 1:30).
    expect(cam1).toMatchObject({ observedMs: 6 * H, downMs: H, failures: 1, mtbfMs: 5 * H, mttrMs: H });
    expect(cam1.availability).toBeCloseTo(5 / 6, 12);
    expect(report.devices.find((d) => d.device === 'cam-2')).toMatchObject({ availability: 1, failures: 0, mtbfMs: null, mttrMs: null });
  });

  it('pass rates count a retried pre-show test once, by its retry; skipped tests apart', () => {
    expect(report.tests.preshow).toEqual({ passed: 2, failed: 0, skipped: 0, passRate: 1 });
    expect(report.tests.maintenance).toEqual({ passed: 0, failed: 1, skipped: 1, passRate: 0 });
  });

  it('clips to the period and filters by studio; a period without shows has no rate', () => {
    const firstHour = buildReport(log, { since: T0, until: T0 + H });
    expect(firstHour.onAirMs).toBe(H);
    expect(firstHour.downOnAirMs).toBe(10_000);
    expect(buildReport(log, { since: T0 + 5 * H, until: T0 + 6 * H })).toMatchObject({
      onAirMs: 0,
      technicalFailureRate: null,
      targetMet: null,
    });
    expect(buildReport(log, { since: T0 - 4 * H, until: T0 + 5 * H, studio: 'studio-b' }).shows).toEqual([]);
  });
});

describe('a failure counts from when it began, not from when it was declared', () => {
  // The agent's first failed probe went out 400 ms before the controller declared cam-1 failed.
  const measured = log.map((e) => {
    if (e.type === 'device.state' && e.device === 'cam-1' && e.data.to === 'failed')
      return { ...e, data: { ...e.data, failingSince: e.ts - 400 } };
    if (e.type === 'slot.state' && e.slot === 'studio-a/cam' && e.data.to === 'down')
      return { ...e, data: { ...e.data, active: 'a/cam-1' } };
    return e;
  });
  const report = buildReport(measured, { since: T0 - 4 * H, until: T0 + 5 * H });

  it('in the slot down time, the failure rate, the time to recover (with detection apart) and the device down time', () => {
    const news = report.shows.find((s) => s.show === 'news')!;
    expect(news.slots[0]).toEqual({ slot: 'studio-a/cam', degradedMs: 0, downMs: 10_400 });
    expect(news.failovers[0]).toMatchObject({ recoverMs: 10_400, detectMs: 400 });
    expect(report.downOnAirMs).toBe(46_400);
    expect(report.devices.find((d) => d.device === 'cam-1')).toMatchObject({ downMs: H + 400, mttrMs: H + 400 });
  });

  it('never before the stream changed last, nor before the show started', () => {
    const early = measured.map((e) =>
      e.type === 'device.state' && e.device === 'cam-1' && e.data.to === 'failed'
        ? { ...e, data: { ...e.data, failingSince: T0 - 10 * H } }
        : e,
    );
    const r = buildReport(early, { since: T0 - 4 * H, until: T0 + 5 * H });
    // The slot was ok from -1 h and the show began at 0: down from the show's start at the earliest.
    expect(r.shows.find((s) => s.show === 'news')!.slots[0]!.downMs).toBe(0.5 * H + 10_000);
    // cam-1's stream changed last at -1 h (unknown → ok): its down time starts there at the earliest.
    expect(r.devices.find((d) => d.device === 'cam-1')!.downMs).toBe(2.5 * H);
  });
});

describe('a show’s stream in the report', () => {
  const S = 'studio-a/stream';
  const st = (ts: number, condition: string, framesDropped: number, reason?: string): ControllerEvent =>
    ev(ts, 'stream.state', {
      slot: S,
      agent: 'a',
      ...(condition === 'ended' ? {} : { device: 'enc-1' }),
      ...(reason ? { reason } : {}),
      data: { show: 'live', condition, from: 'streaming', framesDropped },
    });
  // A 1-hour show: streaming from 0:00:05; the ingest lost at 0:10 for 3 s (the encoder degraded for
  // the first 2 s of it, then the backup took over), the backup's stream stopped by itself at 0:40
  // for 4 s; frames dropped along the way; its encoder dropped frames over the limit 0:50–0:51.
  const streamLog: ControllerEvent[] = [
    slot(-H, 'none', 'ok', S),
    ev(0, 'show.started', {
      data: { show: 'live', title: 'Live', studio: 'studio-a', slots: [{ slot: S, members: ['a/enc-1', 'a/enc-2'] }], stream: S },
    }),
    st(5_000, 'streaming', 0),
    slot(600_000, 'ok', 'degraded', S),
    st(600_000, 'reconnecting', 12, 'the stream is reconnecting: the stream lost its ingest'),
    slot(602_000, 'degraded', 'failing_over', S),
    slot(603_000, 'failing_over', 'ok', S),
    st(603_000, 'streaming', 40),
    st(2_400_000, 'stopped', 40, 'the stream is stopped: the stream stopped by itself'),
    st(2_404_000, 'streaming', 40),
    { ...slot(3_000_000, 'ok', 'degraded', S), reason: 'a/enc-2 is degraded: 4% of stream frames dropped' },
    slot(3_060_000, 'degraded', 'ok', S),
    st(3_600_000, 'ended', 910),
    ev(3_600_000, 'show.ended', { data: { show: 'live', studio: 'studio-a', onAirMs: 3_600_000 } }),
  ];
  const live = buildReport(streamLog, { since: T0 - H, until: T0 + 2 * H }).shows[0]!;

  it('counts frames dropped, reconnects and the longest outage', () => {
    expect(live.stream).toMatchObject({ slot: S, framesDropped: 910, reconnects: 1, longestOutageMs: 4_000 });
  });

  it('puts the outages and the degraded time, each with its cause, into the show’s down time and the failure rate', () => {
    expect(live.stream!.impairments).toEqual([
      { from: T0 + 600_000, to: T0 + 603_000, cause: 'the stream is reconnecting: the stream lost its ingest' },
      { from: T0 + 600_000, to: T0 + 602_000, cause: "the stream's encoder was degraded" },
      { from: T0 + 2_400_000, to: T0 + 2_404_000, cause: 'the stream is stopped: the stream stopped by itself' },
      {
        from: T0 + 3_000_000,
        to: T0 + 3_060_000,
        cause: "the stream's encoder was degraded: a/enc-2 is degraded: 4% of stream frames dropped",
      },
    ]);
    expect(live.stream!.impairedMs).toBe(3_000 + 4_000 + 60_000);
    // The slot itself was down (failing over) 1 s, inside the reconnect: counted once.
    expect(live.downMs).toBe(67_000);
  });

  it('leaves a show without a stream slot without stream figures', () => {
    expect(buildReport(log, { since: T0 - 4 * H, until: T0 + 5 * H }).shows[0]!.stream).toBeUndefined();
  });
});

describe('repeats in the log', () => {
  it('counts a state event that repeats the previous one of its stream word for word as no change', () => {
    const at = (ts: number) => T0 + ts;
    const same = [
      dev(-H, 'cam-9', 'unknown', 'ok'),
      dev(0, 'cam-9', 'ok', 'failed'),
      dev(60_000, 'cam-9', 'ok', 'failed'),
      dev(120_000, 'cam-9', 'ok', 'failed'),
      dev(H, 'cam-9', 'failed', 'ok'),
    ];
    // The same words but from another reason: a change of what was said, kept.
    const other = { ...dev(180_000, 'cam-9', 'ok', 'failed'), reason: 'another reason' };
    const q = { since: at(-2 * H), until: at(2 * H) };
    const device = (events: ControllerEvent[]) => buildReport(events, q).devices.find((d) => d.device === 'cam-9')!;
    expect(device(same)).toMatchObject({ failures: 1, downMs: H, mttrMs: H });
    const withOther = [...same.slice(0, 4), other, same[4]!];
    expect(device(withOther).failures).toBe(2);
  });
});
