/**
 * How the reports write words, times, durations and rates in one language: the catalogue's tables
 * (i18n/messages/alerting-incidents.ts, alerting-month.ts) and its formats. Times are UTC, to the
 * second and marked so, as a report is read by people in more than one place.
 */
import type { Locale } from '../../../i18n/locales.ts';
import { alertingIncidents } from '../../../i18n/messages/alerting-incidents.ts';
import { alertingMonth } from '../../../i18n/messages/alerting-month.ts';
import { formatsFor, translator, type Formats } from '../../../i18n/translator.ts';

export interface ReportWords {
  readonly locale: Locale;
  readonly t: ReturnType<typeof translator<typeof alertingIncidents>>;
  readonly month: ReturnType<typeof translator<typeof alertingMonth>>;
  readonly f: Formats;
  /** "2026-12-07 21:03:12 UTC"; — when there is no time. */
  at(ts: number | undefined): string;
  /** A duration in the locale's units; — when there is none. */
  duration(ms: number | undefined | null): string;
  /** A rate to three decimals of a percent; — for none. */
  pct(x: number | null): string;
}

export function reportWords(locale: Locale): ReportWords {
  const f = formatsFor(locale, 'UTC');
  const t = translator(alertingIncidents, locale);
  return {
    locale,
    t,
    month: translator(alertingMonth, locale),
    f,
    at: (ts) => (ts === undefined ? '—' : t('report.at', { date: f.date(ts), time: f.time(ts) })),
    duration: (ms) => (ms === undefined || ms === null ? '—' : f.duration(ms)),
    pct: (x) => f.percent(x, 3),
  };
}

/** Escapes text for an HTML page. */
export const html = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
