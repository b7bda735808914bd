/** The monthly review: weeks from the 1st, rates against 1%, maintenance by owner, gear ranking; CSV and the printable page. */
import { describe, expect, it } from 'vitest';
import type { ReliabilityReport } from '../../../protocols/plan-schemas.ts';
import type { Job } from '../../../protocols/plan-schemas.ts';
import type { ReportQuery } from '../../../controller/plan/report.ts';
import { gatherMonth, monthBounds, monthWeeks, type MonthSources } from '../../../controller/alerting/incidents/month-review.ts';
import { MONTH_CSV_HEADERS, monthCsv, monthDocument } from '../../../controller/alerting/incidents/month-render.ts';
import { toHtml, toMarkdown } from '../../../controller/alerting/incidents/document.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** A week with 10 h on air; the second week lost 9 min (1.5%), the others 1 min. */
function weekReport(q: ReportQuery, index: number): ReliabilityReport {
  const down = index === 1 ? 9 * 60_000 : 60_000;
  return {
    since: q.since,
    until: q.until,
    target: q.target ?? 0.01,
    onAirMs: 10 * HOUR,
    downOnAirMs: down,
    technicalFailureRate: down / (10 * HOUR),
    targetMet: down / (10 * HOUR) < 0.01,
    shows: [],
    devices: [
      {
        agent: 'agent-a',
        device: 'cam-1',
        observedMs: q.until - q.since,
        downMs: down,
        availability: null,
        failures: index === 1 ? 3 : 0,
        mtbfMs: null,
        mttrMs: null,
      },
      {
        agent: 'agent-a',
        device: 'mic-1',
        observedMs: q.until - q.since,
        downMs: 0,
        availability: null,
        failures: 1,
        mtbfMs: null,
        mttrMs: null,
      },
    ],
    tests: {
      preshow: { passed: 0, failed: 0, skipped: 0, passRate: null },
      maintenance: { passed: 0, failed: 0, skipped: 0, passRate: null },
    },
  };
}

const job = (id: number, over: Partial<Job>): Job => ({
  id,
  kind: 'maintenance',
  agent: 'agent-a',
  device: 'cam-1',
  intrusive: false,
  state: 'passed',
  attempt: 1,
  createdAt: 0,
  notBefore: 0,
  ...over,
});

function sources(since: number): MonthSources & { asked: ReportQuery[] } {
  const asked: ReportQuery[] = [];
  return {
    asked,
    report: async (q) => weekReport(q, asked.push(q) - 1),
    incidents: () => [
      {
        id: 4,
        title: 'cam-1 failed',
        state: 'resolved',
        studio: 'studio-a',
        openedAt: since + 8 * DAY,
        ackedAt: since + 8 * DAY + 90_000,
        resolvedAt: since + 8 * DAY + 600_000,
        alerts: [1],
        people: [],
        notes: [],
        impactMs: 9 * 60_000,
        review: { cause: 'loose SDI cable', followUps: [] },
      },
    ],
    maintenanceJobs: () => [
      job(1, { createdAt: since + DAY, finishedAt: since + DAY + 1_000, owner: 'wang', dueAt: since + 2 * DAY }),
      job(2, { createdAt: since + DAY, state: 'failed', finishedAt: since + DAY, schedule: 'weekly', dueAt: since + 3 * DAY }),
      job(3, { createdAt: since + 2 * DAY, state: 'queued', dueAt: since + 40 * DAY }),
    ],
    schedules: () => [
      { id: 'weekly', cron: '0 3 * * 1', target: {}, intrusive: false, windowMinutes: 60, createdAt: 0, createdBy: 'x', owner: 'li' },
    ],
  };
}

describe('monthly review', () => {
  const month = '2026-11';
  const { since, until } = monthBounds(month);

  it('reads the month a week at a time from the 1st (five windows for 30 days), never past now', async () => {
    expect(monthWeeks(since, until).map(([a, b]) => (b - a) / DAY)).toEqual([7, 7, 7, 7, 2]);
    const src = sources(since);
    const m = await gatherMonth(src, { month, now: since + 10 * DAY });
    expect(src.asked.map((q) => [(q.since - since) / DAY, (q.until - since) / DAY, q.target])).toEqual([
      [0, 7, 0.01],
      [7, 10, 0.01],
    ]);
    expect(m.until).toBe(since + 10 * DAY);
  });

  it('adds up the weeks against 1%, ranks the gear, counts maintenance by owner', async () => {
    const m = await gatherMonth(sources(since), { month, now: until + DAY });
    expect(m.weeks.map((w) => w.rate)).toEqual([
      60_000 / (10 * HOUR),
      0.015,
      60_000 / (10 * HOUR),
      60_000 / (10 * HOUR),
      60_000 / (10 * HOUR),
    ]);
    expect(m.total).toEqual({ onAirMs: 50 * HOUR, downOnAirMs: 13 * 60_000, rate: (13 * 60_000) / (50 * HOUR), targetMet: true });
    expect(m.gear.map((g) => [g.device, g.failures])).toEqual([
      ['agent-a/mic-1', 5],
      ['agent-a/cam-1', 3],
    ]);
    // Job 2's owner is its schedule's; job 3 is not due before the month ends.
    expect(m.maintenance).toEqual([
      { owner: 'li', done: 0, overdue: 1, failed: 1 },
      { owner: '', done: 0, overdue: 0, failed: 0 },
      { owner: 'wang', done: 1, overdue: 0, failed: 0 },
    ]);
    expect(m.overdue).toEqual([{ job: 2, device: 'agent-a/cam-1', owner: 'li', dueAt: since + 3 * DAY, state: 'failed' }]);
    expect(m.incidents).toEqual([expect.objectContaining({ id: 4, cause: 'loose SDI cable', ackMs: 90_000, resolveMs: 600_000 })]);
  });

  it('CSV: one table a section, each with its documented header', async () => {
    const csv = monthCsv(await gatherMonth(sources(since), { month, now: until }));
    const tables = csv
      .trimEnd()
      .split('\n\n')
      .map((t) => t.split('\n'));
    expect(tables.map((t) => t[0])).toEqual(Object.values(MONTH_CSV_HEADERS).map((h) => h.join(',')));
    expect(tables[0]![0]).toBe('section,week,since,until,onAirMs,downOnAirMs,failureRate,target');
    expect(tables[0]![2]).toBe(`weeks,2,${since + 7 * DAY},${since + 14 * DAY},36000000,540000,0.015,0.01`);
    expect(tables[1]![1]).toBe(`incidents,4,cam-1 failed,studio-a,resolved,${since + 8 * DAY},loose SDI cable,90000,600000,540000`);
    for (const t of tables) for (const row of t) expect(row.split(',').length).toBe(t[0]!.split(',').length);
  });

  it('the page has the weekly bars with the 1% line and the gear bars, inline', async () => {
    const m = await gatherMonth(sources(since), { month, now: until });
    const page = toHtml(monthDocument(m, 'en', until));
    expect(page.match(/<svg /g)).toHaveLength(2);
    expect(page).toContain('stroke-dasharray'); // the target line
    expect(page.match(/fill="#c62828"/g), 'one week over the target').toHaveLength(1);
    expect(page).not.toMatch(/<script|<link|src=|url\(/);
    const md = toMarkdown(monthDocument(m, 'zh-CN', until));
    expect(md).toContain('# 2026-11 月度运行报告');
    const opened = `${new Date(since + 8 * DAY).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
    expect(md).toContain(`| #4 cam-1 failed | ${opened} | loose SDI cable | 90 秒 | 10.0 分钟 | 9.0 分钟 |`);
    const tw = toMarkdown(monthDocument(m, 'zh-TW', until));
    expect(tw).toContain('# 2026-11 月度運行報告');
    expect(tw).toContain('## 每週技術故障率（目標 < 1%）');
    expect(tw).toContain(`| #4 cam-1 failed | ${opened} | loose SDI cable | 90 秒 | 10.0 分鐘 | 9.0 分鐘 |`);
  });
});
