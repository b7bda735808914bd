/** The report page's figures, pure (unit-tested): failure rate per ISO week, and CSV text. */
import type { ReliabilityReport } from '../protocols/plan-schemas.ts';

export type Bar = { label: string; rate: number | null };

/** ISO week of a time, e.g. 2026-W48. */
export function isoWeek(ts: number): string {
  const d = new Date(ts);
  d.setUTCHours(0, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() + 4 - (d.getUTCDay() || 7));
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  return `${d.getUTCFullYear()}-W${String(Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7)).padStart(2, '0')}`;
}

export function weeklyRates(report: ReliabilityReport): Bar[] {
  const weeks = new Map<string, { onAir: number; down: number }>();
  for (const s of report.shows) {
    const w = weeks.get(isoWeek(s.startedAt)) ?? { onAir: 0, down: 0 };
    w.onAir += s.onAirMs;
    w.down += s.downMs;
    weeks.set(isoWeek(s.startedAt), w);
  }
  return [...weeks.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([label, w]) => ({ label, rate: w.onAir > 0 ? w.down / w.onAir : null }));
}

/**
 * One CSV field [RFC 4180 §2]: quoted when it holds a quote, comma or line break. Text that a
 * spreadsheet would run as a formula (=, +, -, @ first, not a number) gets a leading apostrophe: a
 * show title typed by anyone must not become a formula on an engineer's machine.
 */
const csvCell = (v: unknown): string => {
  let text = v === null || v === undefined ? '' : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(text) && Number.isNaN(Number(text))) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};
export const toCsv = (header: string[], rows: unknown[][]): string =>
  [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
