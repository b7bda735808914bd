/** htm bound to preact: tagged templates instead of JSX, so the project's tsc compiles the page as it is; and what every page shows the same way. */
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import htm from 'htm';
import type { MessageKey } from '../i18n/define.ts';
import type { Translate } from '../i18n/translator.ts';
import { common } from '../i18n/messages/common.ts';

export const html = htm.bind(h);

const pad = (n: number): string => String(n).padStart(2, '0');

/** @deprecated a page's time is `useFormats().time` (24-hour, per locale): kept while other pages still use it. */
export function clock(ts: number): string {
  const d = new Date(ts);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** @deprecated `useFormats().dateTime`: kept while other pages still use it. */
export function dateTime(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** @deprecated `useFormats().duration` (units per locale): kept while other pages still use it. */
export function duration(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** @deprecated `useFormats().percent`: kept while other pages still use it. */
export const percent = (x: number | null, digits = 2): string => (x === null ? '—' : `${(x * 100).toFixed(digits)}%`);
export const ref = (r: { agent: string; device: string }): string => `${r.agent}/${r.device}`;
export const studioOf = (slot: string): string => (slot.includes('/') ? slot.slice(0, slot.indexOf('/')) : '(no studio)');
export const deviceLink = (r: { agent: string; device: string }): string =>
  `#/device/${encodeURIComponent(r.agent)}/${encodeURIComponent(r.device)}`;

/**
 * The word for a device or slot state, in the page's language (common.ts's state.*): colour is never
 * the only carrier. An unknown state reads UNKNOWN.
 */
export function stateWord(t: Translate<typeof common>, state: string | undefined): string {
  const key = `state.${state ?? 'unknown'}`;
  return key in common.table ? t(key as MessageKey<typeof common>) : t('state.unknown');
}

/** The page's time, moving every `periodMs`: ages ("3 s ago") tick without the rest of the page drawing again. */
export function useNow(periodMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(timer);
  }, [periodMs]);
  return now;
}

/** @deprecated English only: `stateWord(t, state)` is the page's language. Kept while other pages still use it. */
export const STATE_WORDS: Record<string, string> = {
  ok: 'OK',
  degraded: 'DEGRADED',
  failing_over: 'FAILING OVER',
  down: 'DOWN',
  unknown: 'UNKNOWN',
  failed: 'FAILED',
  offline: 'OFFLINE',
};
