/**
 * The month's review as a document (markdown, or the printable HTML page with its SVG charts) and as
 * CSV: one table a section, each opening with its own header row whose first column is `section`,
 * the tables separated by an empty line (docs/alerting/incidents.md lists the columns).
 */
import type { Locale } from '../../../protocols/alerting.ts';
import type { Block, ReportDocument } from './document.ts';
import { gearChart, rateChart } from './month-charts.ts';
import type { MonthReview } from './month-review.ts';
import { reportWords } from './report-words.ts';
import { textIn } from '../alerts/summaries.ts';

export function monthDocument(m: MonthReview, locale: Locale, now: number): ReportDocument {
  const w = reportWords(locale);
  const { month: t, at: utc, duration, pct } = w;
  const verdict = m.total.targetMet === null ? t('month.noAir') : t(m.total.targetMet ? 'month.met' : 'month.missed');
  const owner = (o: string) => o || t('month.unassigned');
  const blocks: Block[] = [
    { kind: 'text', text: `${t('month.studio', { studio: m.studio ?? t('month.all') })} · ${utc(m.since)} → ${utc(m.until)}` },
    { kind: 'heading', text: t('month.rate') },
    {
      kind: 'text',
      text: t('month.rateLine', {
        rate: pct(m.total.rate),
        down: duration(m.total.downOnAirMs),
        onAir: duration(m.total.onAirMs),
        verdict,
      }),
    },
    {
      kind: 'svg',
      alt: t('month.rate'),
      svg: rateChart(
        m.weeks.map((week) => ({ label: `${t('month.week')} ${week.week}`, rate: week.rate })),
        m.target,
        t('month.rate'),
      ),
    },
    {
      kind: 'table',
      head: [t('month.week'), t('month.onAir'), t('month.down'), t('month.failureRate')],
      rows: m.weeks.map((week) => [
        `${week.week} (${w.f.date(week.since)})`,
        duration(week.onAirMs),
        duration(week.downOnAirMs),
        pct(week.rate),
      ]),
    },
    { kind: 'heading', text: t('month.incidents') },
    m.incidents.length
      ? {
          kind: 'table',
          head: [t('month.incident'), t('month.opened'), t('month.cause'), t('month.ack'), t('month.resolve'), t('month.impact')],
          rows: m.incidents.map((i) => [
            `#${i.id} ${textIn(locale, i.title, i.titleMessage)}`,
            utc(i.openedAt),
            i.cause ?? '—',
            duration(i.ackMs),
            duration(i.resolveMs),
            duration(i.impactMs),
          ]),
        }
      : { kind: 'text', text: t('month.nothing') },
    { kind: 'heading', text: t('month.maintenance') },
    m.maintenance.length
      ? {
          kind: 'table',
          head: [t('month.owner'), t('month.done'), t('month.overdue'), t('month.failed')],
          rows: m.maintenance.map((o) => [owner(o.owner), w.f.number(o.done), w.f.number(o.overdue), w.f.number(o.failed)]),
        }
      : { kind: 'text', text: t('month.nothing') },
    ...(m.overdue.length
      ? [
          {
            kind: 'list' as const,
            items: m.overdue.map((o) => `${t('month.overdue')}: ${o.device} (${owner(o.owner)}) ${utc(o.dueAt)} · ${o.state}`),
          },
        ]
      : []),
    { kind: 'heading', text: t('month.gear') },
    ...(m.gear.some((g) => g.failures > 0)
      ? [{ kind: 'svg' as const, alt: t('month.gear'), svg: gearChart(m.gear, t('month.gear')) }]
      : []),
    m.gear.length
      ? {
          kind: 'table',
          head: [t('month.device'), t('month.failures'), t('month.down'), t('month.availability')],
          rows: m.gear.map((g) => [g.device, w.f.number(g.failures), duration(g.downMs), pct(g.availability)]),
        }
      : { kind: 'text', text: t('month.nothing') },
  ];
  return { title: t('month.title', { month: m.month }), lang: locale, blocks, footer: w.t('report.generated', { at: utc(now) }) };
}

type Cell = string | number | boolean | null | undefined;
const cell = (v: Cell): string =>
  v === null || v === undefined ? '' : /[",\n\r]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v);

/** The CSV sections' headers (the first column names the section on every row). */
export const MONTH_CSV_HEADERS = {
  weeks: ['section', 'week', 'since', 'until', 'onAirMs', 'downOnAirMs', 'failureRate', 'target'],
  incidents: ['section', 'incident', 'title', 'studio', 'state', 'openedAt', 'cause', 'ackMs', 'resolveMs', 'impactMs'],
  maintenance: ['section', 'owner', 'done', 'overdue', 'failed'],
  overdue: ['section', 'job', 'device', 'owner', 'dueAt', 'state'],
  gear: ['section', 'device', 'failures', 'downMs', 'availability'],
} as const;

export function monthCsv(m: MonthReview): string {
  const table = (name: keyof typeof MONTH_CSV_HEADERS, rows: Cell[][]): string =>
    [MONTH_CSV_HEADERS[name].join(','), ...rows.map((r) => [name, ...r].map(cell).join(','))].join('\n');
  return `${[
    table('weeks', [
      ...m.weeks.map((w) => [w.week, w.since, w.until, w.onAirMs, w.downOnAirMs, w.rate, m.target]),
      ['month', m.since, m.until, m.total.onAirMs, m.total.downOnAirMs, m.total.rate, m.target],
    ]),
    table(
      'incidents',
      m.incidents.map((i) => [i.id, i.title, i.studio, i.state, i.openedAt, i.cause, i.ackMs, i.resolveMs, i.impactMs]),
    ),
    table(
      'maintenance',
      m.maintenance.map((o) => [o.owner, o.done, o.overdue, o.failed]),
    ),
    table(
      'overdue',
      m.overdue.map((o) => [o.job, o.device, o.owner, o.dueAt, o.state]),
    ),
    table(
      'gear',
      m.gear.map((g) => [g.device, g.failures, g.downMs, g.availability]),
    ),
  ].join('\n\n')}\n`;
}
