/** How the CLI writes times: UTC, ISO-like, to the minute, second or millisecond; a dash for none. */
const LENGTH = { minute: 16, second: 19, ms: 23 } as const;

export function formatTime(ts: number | null | undefined, precision: keyof typeof LENGTH = 'second'): string {
  if (ts === null || ts === undefined) return '—';
  return new Date(ts).toISOString().replace('T', ' ').slice(0, LENGTH[precision]);
}
