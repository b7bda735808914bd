/** A generated history for the reliability report's tests (test/unit/report-days.test.ts, test/integration/history-summaries.test.ts). */
import type { ControllerEvent, EventOf } from '../../protocols/events.ts';

export const DAY = 86_400_000;
export const H = 3_600_000;
export const D0 = Date.UTC(2026, 10, 1);
export const DAYS = 6;
type Status = EventOf<'device.state'>['data']['to'];
const STATUSES: Status[] = ['ok', 'degraded', 'failed', 'offline', 'unknown'];

/** A small deterministic PRNG (mulberry32): a failing seed can be run again. */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Five devices' changes over DAYS days from D0 (repeats, changes at midnight, failures reaching back over it) and a show crossing a midnight with a failover; log order is time order. */
export function history(seed: number): ControllerEvent[] {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const raw: Array<Omit<ControllerEvent, 'seq'>> = [];
  const devices = ['cam-1', 'cam-2', 'cam-3', 'mic-1', 'late-1'];
  for (const device of devices) {
    let status: Status = 'unknown';
    // late-1 is first seen on day 3.
    let ts = D0 + (device === 'late-1' ? 3 * DAY + 5 * H : Math.floor(rnd() * H));
    let last: Omit<ControllerEvent, 'seq'> | undefined;
    while (ts < D0 + DAYS * DAY) {
      // Now and then at a midnight's very millisecond.
      const at = rnd() < 0.08 ? Math.ceil(ts / DAY) * DAY : ts;
      if (last && rnd() < 0.2) {
        raw.push({ ...last, ts: at }); // a repeat: the same words again
      } else {
        const to = pick(STATUSES.filter((s) => s !== status));
        // Failures whose first failed probe reaches back (over midnight too).
        const reachBack = (to === 'failed' || to === 'offline') && rnd() < 0.6 ? { failingSince: at - Math.floor(rnd() * 3 * H) } : {};
        last = {
          type: 'device.state',
          ts: at,
          agent: 'agent-a',
          device,
          reason: `${device} ${to}`,
          data: { from: status, to, ...reachBack },
        } as Omit<ControllerEvent, 'seq'>;
        raw.push(last);
        status = to;
      }
      ts = at + 1 + Math.floor(rnd() * 7 * H);
    }
  }
  // A show from 22:00 on day 1 to 02:00 on day 2, cam-1 live; cam-1 fails after midnight and the slot fails over to cam-2.
  const member = 'agent-a/cam-1';
  const show = { show: 'night', title: 'Night', studio: 'studio-a', slots: [{ slot: 'studio-a/cam', members: [member, 'agent-a/cam-2'] }] };
  const f = D0 + 2 * DAY + 30 * 60_000;
  raw.push(
    { type: 'slot.state', ts: D0 + 1 * DAY, slot: 'studio-a/cam', data: { from: 'none', to: 'ok', active: member } },
    { type: 'show.started', ts: D0 + DAY + 22 * H, data: show },
    {
      type: 'device.state',
      ts: f,
      agent: 'agent-a',
      device: 'cam-1',
      reason: 'no reply',
      data: { from: 'ok', to: 'failed', failingSince: f - 5_000 },
    },
    { type: 'slot.state', ts: f + 10, slot: 'studio-a/cam', data: { from: 'ok', to: 'failing_over', active: member } },
    { type: 'failover.started', ts: f + 20, slot: 'studio-a/cam', by: 'controller', data: { from: member, candidates: ['agent-a/cam-2'] } },
    {
      type: 'failover.succeeded',
      ts: f + 300,
      slot: 'studio-a/cam',
      by: 'controller',
      data: { from: member, to: 'agent-a/cam-2', durationMs: 280, attempts: ['agent-a/cam-2'] },
    },
    { type: 'slot.state', ts: f + 301, slot: 'studio-a/cam', data: { from: 'failing_over', to: 'ok', active: 'agent-a/cam-2' } },
    { type: 'show.ended', ts: D0 + 2 * DAY + 2 * H, data: { show: 'night', studio: 'studio-a', onAirMs: 4 * H } },
  );
  // The program (obs-1): silent from before the show into it, and black across the midnight (issue 22: what viewers saw).
  const program = (ts: number, fault: 'black' | 'silent', phase: 'started' | 'ended', forMs?: number) =>
    ({
      type: 'content.fault',
      ts,
      agent: 'agent-a',
      device: 'obs-1',
      by: 'controller',
      data: { fault, role: 'program', phase, studio: 'studio-a', ...(forMs ? { forMs } : {}) },
    }) as Omit<ControllerEvent, 'seq'>;
  raw.push(
    program(D0 + DAY + 21 * H + 50 * 60_000, 'silent', 'started'),
    program(D0 + DAY + 22 * H + 10 * 60_000, 'silent', 'ended', 20 * 60_000),
    program(D0 + 2 * DAY - 5 * 60_000, 'black', 'started'),
    program(D0 + 2 * DAY + 3 * 60_000, 'black', 'ended', 8 * 60_000),
  );
  // Log order is time order (seq as the controller numbers them).
  return raw.sort((a, b) => a.ts - b.ts).map((e, i) => ({ ...e, seq: i + 1 }) as ControllerEvent);
}
