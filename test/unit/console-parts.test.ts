/** The console's pure parts, with an injected clock: sessions, the live feed, the health history, severities, report figures. */
import { describe, expect, it } from 'vitest';
import { ConsoleSessions } from '../../controller/http/console-sessions.ts';
import { HealthHistory } from '../../controller/fleet/health-history.ts';
import { LiveFeed, type LiveSink } from '../../controller/http/live-feed.ts';
import { ManualClock } from '../../lib/clock.ts';
import { eventSeverity, isAcknowledgeable } from '../../protocols/event-severity.ts';
import type { ControllerEvent } from '../../protocols/events.ts';
import type { DeviceHealth, StatusData } from '../../protocols/schemas.ts';
import { isoWeek, toCsv, weeklyRates } from '../../console/report-figures.ts';
import type { ReliabilityReport } from '../../protocols/plan-schemas.ts';

describe('console sessions', () => {
  it('ends a session idle past its limit, renews one in use, and checks the CSRF token exactly', () => {
    const clock = new ManualClock(0);
    const sessions = new ConsoleSessions({ clock, idleMs: 1_000 });
    const { id, session } = sessions.open('eve', 'engineer');
    clock.advance(900);
    expect(sessions.find(id)?.user).toBe('eve');
    clock.advance(900); // 1,800 ms after opening, 900 after the last use
    expect(sessions.find(id)?.user).toBe('eve');
    clock.advance(1_001);
    expect(sessions.find(id)).toBeUndefined();
    expect(sessions.find(undefined)).toBeUndefined();
    expect(ConsoleSessions.csrfMatches(session, session.csrf)).toBe(true);
    expect(ConsoleSessions.csrfMatches(session, session.csrf.slice(1))).toBe(false);
    expect(ConsoleSessions.csrfMatches(session, undefined)).toBe(false);
  });

  it("ends a person's sessions when their login changes, and drops the oldest past the bound", () => {
    const sessions = new ConsoleSessions({ clock: new ManualClock(0), max: 2 });
    const a = sessions.open('vic', 'viewer');
    const b = sessions.open('vic', 'viewer');
    const c = sessions.open('eve', 'engineer');
    expect(sessions.find(a.id)).toBeUndefined(); // the oldest, past max
    expect(sessions.endFor('vic')).toBe(1);
    expect(sessions.find(b.id)).toBeUndefined();
    expect(sessions.find(c.id)?.user).toBe('eve');
  });
});

const picture = (onAir: boolean): StatusData => ({ onAir, showsOnAir: [], agents: [], devices: [], slots: [], counters: {} });
const event = (seq: number, type: ControllerEvent['type'] = 'broker.lost'): ControllerEvent =>
  ({ seq, ts: seq, type, data: {} }) as ControllerEvent;

function sink(capacity = Infinity, user?: string) {
  const chunks: string[] = [];
  let ended = false;
  const s: LiveSink = {
    write: (c) => (chunks.push(c), chunks.length < capacity),
    end: () => void (ended = true),
    ...(user ? { user } : {}),
  };
  return { s, chunks, ended: () => ended };
}

describe('the live feed', () => {
  it('sends the picture at once, each event as it comes, and one picture for a burst of changes', async () => {
    let computed = 0;
    const feed = new LiveFeed({ status: () => ((computed += 1), picture(computed > 1)), coalesceMs: 20 });
    const page = sink();
    feed.add(page.s);
    expect(page.chunks).toEqual([`event: status\ndata: ${JSON.stringify(picture(false))}\n\n`]);
    for (let i = 1; i <= 5; i += 1) feed.onEvent(event(i));
    expect(page.chunks.filter((c) => c.startsWith('event: event'))).toHaveLength(5);
    await new Promise((r) => setTimeout(r, 60));
    expect(page.chunks.filter((c) => c.startsWith('event: status'))).toHaveLength(2);
    expect(computed).toBe(2); // one for the new page, one for the whole burst
    feed.close();
    expect(page.ended()).toBe(true);
  });

  it('drops a page that stops reading, and the pages of a person whose login changed', () => {
    const feed = new LiveFeed({ status: () => picture(false) });
    const [slow, vic, eve] = [sink(3), sink(Infinity, 'vic'), sink(Infinity, 'eve')];
    for (const p of [slow, vic, eve]) feed.add(p.s);
    for (let i = 1; i <= 3; i += 1) feed.onEvent(event(i));
    expect(slow.ended()).toBe(true);
    expect(feed.clients).toBe(2);
    feed.endFor('vic');
    expect([vic.ended(), eve.ended(), feed.clients]).toEqual([true, false, 1]);
    feed.close();
  });
});

const health = (metrics: DeviceHealth['metrics'], ts = 0): DeviceHealth => ({
  status: 'ok',
  checks: [{ name: 'probe', status: 'ok', latencyMs: 3 }],
  metrics,
  consecutiveFailures: 0,
  ts,
  seq: 1,
  session: 1,
  driver: 'simulated',
});

describe('the health history', () => {
  it("keeps each metric's last value per interval, numeric metrics only, for the window", () => {
    const h = new HealthHistory({ sampleMs: 10_000, windowMs: 60_000 });
    h.note('a', 'cam', health({ temp: 40, mode: 'auto' }), 1_000);
    h.note('a', 'cam', health({ temp: 41 }), 5_000); // same interval: replaces
    h.note('a', 'cam', health({ temp: 42, frames: 7 }), 12_000);
    h.note('a', 'cam', health({}), 13_000); // a failed probe reports no metrics: the interval keeps its values
    const view = h.view('a', 'cam', 20_000);
    expect(view.trend).toEqual({ sampleMs: 10_000, t: [5_000, 13_000], series: { temp: [41, 42], frames: [null, 7] } });
    expect(view.latest).toMatchObject({ metrics: {}, checks: [{ name: 'probe' }] });
    // An hour later the old samples are out of the window, and the ring never grows past it.
    for (let t = 100_000; t < 400_000; t += 10_000) h.note('a', 'cam', health({ temp: t / 1000 }), t);
    const later = h.view('a', 'cam', 400_000);
    expect(later.trend.t).toEqual([350_000, 360_000, 370_000, 380_000, 390_000]);
    expect(h.view('a', 'nothing', 0).latest).toBeNull();
  });
});

describe('event severities', () => {
  it('alarms by their own severity, failures as critical, recoveries as cleared; only open alarms are acknowledged', () => {
    const e = (type: ControllerEvent['type'], data: Record<string, unknown>) => ({ seq: 1, ts: 1, type, data }) as ControllerEvent;
    expect(eventSeverity(e('alarm', { severity: 'warning' }))).toBe('warning');
    expect(eventSeverity(e('slot.down', {}))).toBe('critical');
    expect(eventSeverity(e('device.state', { from: 'ok', to: 'offline' }))).toBe('warning');
    expect(eventSeverity(e('device.state', { from: 'failed', to: 'ok' }))).toBe('cleared');
    expect(eventSeverity(e('preshow.checklist', { go: false }))).toBe('critical');
    expect(eventSeverity(e('show.started', {}))).toBe('info');
    expect(isAcknowledgeable(e('alarm', { severity: 'critical' }))).toBe(true);
    expect(isAcknowledgeable(e('alarm', { severity: 'cleared' }))).toBe(false);
    expect(isAcknowledgeable(e('slot.down', {}))).toBe(false);
  });
});

describe('report figures', () => {
  it('failure rate per ISO week from the shows', () => {
    expect(isoWeek(Date.UTC(2026, 10, 30))).toBe('2026-W49');
    expect(isoWeek(Date.UTC(2027, 0, 1))).toBe('2026-W53');
    const show = (startedAt: number, onAirMs: number, downMs: number) => ({ startedAt, onAirMs, downMs });
    const r = {
      shows: [show(Date.UTC(2026, 10, 30), 1_000, 10), show(Date.UTC(2026, 11, 2), 3_000, 30), show(Date.UTC(2026, 11, 8), 0, 0)],
    } as unknown as ReliabilityReport;
    expect(weeklyRates(r)).toEqual([
      { label: '2026-W49', rate: 0.01 },
      { label: '2026-W50', rate: null },
    ]);
  });

  it('CSV per RFC 4180, and a cell a spreadsheet would run as a formula is defused', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          [null, -5],
          ['=HYPERLINK("evil")', '-2.5'],
          ['line\nbreak', '@SUM(A1)'],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n,-5\r\n"\'=HYPERLINK(""evil"")",-2.5\r\n"line\nbreak",\'@SUM(A1)\r\n');
  });
});
