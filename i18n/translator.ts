/**
 * Turning a message id into text in one language, and formatting times, numbers and durations the
 * same way on every page and in every report: a 24-hour clock, the locale's digit grouping, units
 * written as the locale writes them (Intl.NumberFormat's unit style).
 *
 * A message that cannot be formatted (a value missing or of the wrong kind) never throws at a caller:
 * an engineer in an incident must still see a page. It gives the message's English source text and is
 * reported to `onError`, which the tests make fatal.
 */
import { IntlMessageFormat } from 'intl-messageformat';
import type { MessageKey, Messages } from './define.ts';
import type { Locale } from './locales.ts';
import { common } from './messages/common.ts';

export type MessageValues = Readonly<Record<string, string | number | Date | boolean | null | undefined>>;
export type Translate<M extends Messages> = (key: MessageKey<M>, values?: MessageValues) => string;

/** Called when a message cannot be formatted; console.error by default. The tests set one that throws. */
let onError: (error: Error) => void = (error) => console.error(error.message);
export function setMessageErrorHandler(handler: (error: Error) => void): void {
  onError = handler;
}

const compiled = new Map<string, IntlMessageFormat>();

/** The translator of one table in one language. Messages are compiled once, on first use. */
export function translator<M extends Messages>(messages: M, locale: Locale): Translate<M> {
  return (key, values) => {
    const entry = messages.table[key];
    if (!entry) {
      onError(new Error(`i18n: no message ${messages.domain}.${key}`));
      return key;
    }
    const id = `${locale}\u0000${messages.domain}\u0000${key}`;
    try {
      let format = compiled.get(id);
      if (!format) compiled.set(id, (format = new IntlMessageFormat(entry[locale], locale)));
      const text = format.format(values as Record<string, string | number | Date | boolean>);
      return typeof text === 'string' ? text : String(text);
    } catch (err) {
      onError(new Error(`i18n: ${messages.domain}.${key} in ${locale}: ${(err as Error).message}`));
      return entry.en;
    }
  };
}

/** How a locale writes times, dates, numbers and durations. */
export interface Formats {
  readonly locale: Locale;
  /** 21:03:12 — a 24-hour clock, local time. */
  time(ts: number): string;
  /** 2026-12-07 21:03 in every language (ISO order reads the same in Chinese and English). */
  dateTime(ts: number): string;
  /** 2026-12-07. */
  date(ts: number): string;
  /** 1,000 / 1,000 in the locale's grouping; `unit` from Intl's sanctioned units (e.g. 'percent', 'millisecond', 'celsius'). */
  number(n: number, options?: Intl.NumberFormatOptions): string;
  /** A fraction as a percentage: 0.0123 → 1.23% (— for null). */
  percent(x: number | null, digits?: number): string;
  /** 422 ms, 1.5 s, 3 min, 2.0 h (毫秒, 秒, 分钟, 小时 in Chinese): the units from the common table. */
  duration(ms: number): string;
}

export function formatsFor(locale: Locale, timeZone?: string): Formats {
  const number = new Map<string, Intl.NumberFormat>();
  const numberFormat = (options: Intl.NumberFormatOptions = {}) => {
    const key = JSON.stringify(options);
    let f = number.get(key);
    if (!f) number.set(key, (f = new Intl.NumberFormat(locale, options)));
    return f;
  };
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const fields = (ts: number) => {
    const f: Record<string, string> = {};
    for (const p of parts.formatToParts(new Date(ts))) f[p.type] = p.value;
    return f;
  };
  const t = translator(common, locale);
  const fixed = (n: number, digits: number) => numberFormat({ maximumFractionDigits: digits, minimumFractionDigits: digits }).format(n);
  return {
    locale,
    time: (ts) => {
      const f = fields(ts);
      return `${f.hour}:${f.minute}:${f.second}`;
    },
    dateTime: (ts) => {
      const f = fields(ts);
      return `${f.year}-${f.month}-${f.day} ${f.hour}:${f.minute}`;
    },
    date: (ts) => {
      const f = fields(ts);
      return `${f.year}-${f.month}-${f.day}`;
    },
    number: (n, options) => numberFormat(options).format(n),
    percent: (x, digits = 2) =>
      x === null ? '—' : numberFormat({ style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x),
    duration: (ms) => {
      if (ms < 1_000) return t('duration.ms', { n: fixed(Math.round(ms), 0) });
      if (ms < 60_000) return t('duration.s', { n: fixed(ms / 1_000, 1) });
      if (ms < 3_600_000) return t('duration.min', { n: fixed(Math.round(ms / 60_000), 0) });
      return t('duration.h', { n: fixed(ms / 3_600_000, 1) });
    },
  };
}
