/**
 * The 1% counts what viewers saw (issue 22): a show's report adds the seconds of black, frozen and
 * silent program and of stalled playback to its failure time, from literal content.fault events.
 */
import { describe, expect, it } from 'vitest';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { buildReport } from '../../controller/plan/report.ts';
import type { ControllerEvent, EventOf } from '../../protocols/events.ts';
import { eventFixtures } from '../support/event-fixtures.ts';
import { ReliabilityReport } from '../../protocols/plan-schemas.ts';
import { reportCsv, reportMarkdown } from '../../cli/report-command.ts';

const H = 3_600_000;
const M = 60_000;
const T0 = Date.UTC(2026, 11, 7, 19, 0);
const ev = eventFixtures(T0);
type Data = EventOf<'content.fault'>['data'];
const fault = (ts: number, device: string, data: Omit<Data, 'phase'> & { phase?: Data['phase'] }) =>
  ev(ts, 'content.fault', { agent: 'a', device, by: 'controller', data: { phase: 'started', ...data } });
const ended = (ts: number, device: string, data: Omit<Data, 'phase'>) => fault(ts, device, { ...data, phase: 'ended' });
const slot = (ts: number, from: EventOf<'slot.state'>['data']['from'], to: EventOf<'slot.state'>['data']['to']) =>
  ev(ts, 'slot.state', { slot: 'studio-a/cam', data: { from, to, active: 'a/cam-1' } });

/** A 1-hour show whose cameras never failed. */
const show = (...inside: ControllerEvent[]): ControllerEvent[] => [
  slot(-M, 'none', 'ok'),
  ev(0, 'show.started', {
    data: { show: 'news', title: 'News', studio: 'studio-a', slots: [{ slot: 'studio-a/cam', members: ['a/cam-1', 'a/cam-2'] }] },
  }),
  ...inside,
  ev(H, 'show.ended', { data: { show: 'news', studio: 'studio-a', onAirMs: H } }),
];
const report = (log: ControllerEvent[]) => buildReport(log, { since: T0 - H, until: T0 + 2 * H });
const black = { fault: 'black', role: 'program', studio: 'studio-a' } as const;

describe('what viewers saw, in the report', () => {
  it('a show whose gear was fine but whose program was black for 2 minutes reads as failed', () => {
    const r = report(show(fault(10 * M, 'obs-1', black), ended(12 * M, 'obs-1', black)));
    expect(r.shows[0]!.content).toEqual({
      blackMs: 2 * M,
      frozenMs: 0,
      silentMs: 0,
      stalledMs: 0,
      faults: [{ from: T0 + 10 * M, to: T0 + 12 * M, agent: 'a', device: 'obs-1', role: 'program', fault: 'black' }],
    });
    expect(r.shows[0]!.downMs).toBe(2 * M);
    expect(r.technicalFailureRate).toBeCloseTo((2 * M) / H, 9);
    expect(r.targetMet).toBe(false);
    expect(TypeCompiler.Compile(ReliabilityReport).Check(r)).toBe(true);
  });

  it('each kind in its own column; time counted once where faults and a slot down overlap', () => {
    const frozen = { fault: 'frozen', role: 'program', studio: 'studio-a' } as const;
    const silent = { fault: 'silent', role: 'program', studio: 'studio-a' } as const;
    const stalled = { fault: 'stalled', role: 'playback' } as const; // the platform: no studio, every show's
    const r = report(
      show(
        fault(5 * M, 'obs-1', frozen),
        fault(6 * M, 'obs-1', silent),
        ended(7 * M, 'obs-1', frozen),
        ended(8 * M, 'obs-1', silent),
        slot(7 * M + 30_000, 'ok', 'down'),
        slot(9 * M, 'down', 'ok'),
        fault(20 * M, 'hls', stalled),
        ended(20 * M + 45_000, 'hls', stalled),
      ),
    );
    const s = r.shows[0]!;
    expect([s.content.frozenMs, s.content.silentMs, s.content.stalledMs, s.content.blackMs]).toEqual([2 * M, 2 * M, 45_000, 0]);
    expect(s.downMs, '5:00 to 9:00 once, and the stall').toBe(4 * M + 45_000);
  });

  it('clips a fault to the show: begun before it, or still open at its end', () => {
    const r = report(show(fault(-5 * M, 'obs-1', black), ended(M, 'obs-1', black), fault(59 * M, 'obs-1', black)));
    expect(r.shows[0]!.content.blackMs).toBe(2 * M);
  });

  it("no signal on the program counts as black; a source's faults, another studio's program and degraded faults do not count", () => {
    const r = report(
      show(
        fault(M, 'obs-1', { fault: 'no-signal', role: 'program', studio: 'studio-a' }),
        ended(2 * M, 'obs-1', { fault: 'no-signal', role: 'program', studio: 'studio-a' }),
        fault(3 * M, 'cam-9', { fault: 'black', role: 'source', studio: 'studio-a' }),
        fault(3 * M, 'obs-b', { fault: 'black', role: 'program', studio: 'studio-b' }),
        fault(3 * M, 'obs-1', { fault: 'clipping', role: 'program', studio: 'studio-a' }),
      ),
    );
    expect(r.shows[0]!.content.blackMs).toBe(M);
    expect(r.shows[0]!.content.faults.map((f) => f.fault)).toEqual(['no-signal']);
    expect(r.shows[0]!.downMs).toBe(M);
  });

  it('is in the Markdown and the CSV', () => {
    const r = report(show(fault(10 * M, 'obs-1', black), ended(12 * M, 'obs-1', black)));
    expect(reportMarkdown(r)).toContain('| 2.0 min | 0 ms | 0 ms | 0 ms |');
    expect(reportMarkdown(r)).toContain('black program on a/obs-1');
    expect(reportCsv(r)).toContain('show,news,blackMs,120000');
  });
});
