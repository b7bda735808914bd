/** htm bound to preact: tagged templates instead of JSX, so the project's tsc compiles the page as it is. */
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);

const pad = (n: number): string => String(n).padStart(2, '0');

export function clock(ts: number): string {
  const d = new Date(ts);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function dateTime(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function duration(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export const percent = (x: number | null, digits = 2): string => (x === null ? '—' : `${(x * 100).toFixed(digits)}%`);
export const ref = (r: { agent: string; device: string }): string => `${r.agent}/${r.device}`;
export const studioOf = (slot: string): string => (slot.includes('/') ? slot.slice(0, slot.indexOf('/')) : '(no studio)');
export const deviceLink = (r: { agent: string; device: string }): string =>
  `#/device/${encodeURIComponent(r.agent)}/${encodeURIComponent(r.device)}`;

/** The words for a state: colour is never the only carrier. */
export const STATE_WORDS: Record<string, string> = {
  ok: 'OK',
  degraded: 'DEGRADED',
  failing_over: 'FAILING OVER',
  down: 'DOWN',
  unknown: 'UNKNOWN',
  failed: 'FAILED',
  offline: 'OFFLINE',
};
