/**
 * How the reports write words, times, durations and rates in one language: the catalogue's tables
 * (i18n/messages/alerting-incidents.ts, alerting-month.ts) and its formats. Times are UTC, to the
 * second and marked so, as a report is read by people in more than one place.
 */
import type { Locale } from '../../../i18n/locales.ts';
import { alertingIncidents } from '../../../i18n/messages/alerting-incidents.ts';
import { alertingMonth } from '../../../i18n/messages/alerting-month.ts';
import { common } from '../../../i18n/messages/common.ts';
import { formatsFor, translator, type Formats, type Translate } from '../../../i18n/translator.ts';

export interface ReportWords {
  readonly locale: Locale;
  readonly t: Translate<typeof alertingIncidents>;
  readonly month: Translate<typeof alertingMonth>;
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
    duration: (ms) => (ms === undefined || ms === null ? '—' : reportDuration(ms, f, translator(common, locale))),
    pct: (x) => f.percent(x, 3),
  };
}

/**
 * A report's duration: finer than the console's (a time to acknowledge of 90 s is not "2 min"):
 * seconds below 2 minutes, minutes to a tenth below 2 hours, then hours.
 */
function reportDuration(ms: number, f: Formats, t: Translate<typeof common>): string {
  const fixed = (n: number, digits: number) => f.number(n, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  if (ms < 120_000) return t('duration.s', { n: fixed(ms / 1_000, ms < 10_000 ? 1 : 0) });
  if (ms < 7_200_000) return t('duration.min', { n: fixed(ms / 60_000, 1) });
  return t('duration.h', { n: fixed(ms / 3_600_000, 1) });
}

/** Escapes text for an HTML page. */
export const html = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
