/**
 * A report whose past days come as device day summaries (controller/plan/report-devices.ts DeviceDay)
 * equals the report computed from every event, over generated histories: changes crossing
 * midnight (a failure whose first failed probe was the day before), changes at midnight's very
 * millisecond, repeats, a device first seen in a summarized day, a show crossing midnight with a
 * failover, and periods starting and ending anywhere.
 */
import { describe, expect, it } from 'vitest';
import { buildReport, showDevices, summarizeDeviceDay, withoutRepeats, type DeviceDay } from '../../controller/plan/report.ts';
import type { ControllerEvent } from '../../protocols/events.ts';
import { D0, DAY, DAYS, H, history, random } from '../support/generated-history.ts';

/** What a summarized history gives a report: each past day's DeviceDays (from that day's changes without their repeats, as copied), the log outside them, and inside them the changes of the devices shows read. */
function summarized(log: ControllerEvent[], since: number, until: number) {
  const days: DeviceDay[] = [];
  const covered: number[] = [];
  for (let day = D0 / DAY; day < D0 / DAY + DAYS; day += 1) {
    if (day * DAY <= since || (day + 1) * DAY > until + 1) continue;
    covered.push(day);
    const ofDay = log.filter((e) => e.ts >= day * DAY && e.ts < (day + 1) * DAY);
    // history_transitions holds the day's changes collapsed within the day only: its first may repeat the day before.
    days.push(...summarizeDeviceDay(day, withoutRepeats(ofDay)));
  }
  const inCovered = (ts: number) => covered.some((day) => ts >= day * DAY && ts < (day + 1) * DAY);
  const read = showDevices(log);
  const events = log.filter((e) => e.ts <= until && (e.type !== 'device.state' || !inCovered(e.ts) || read.has(`${e.agent}/${e.device}`)));
  return { events, devices: { covered: covered.map((day): [number, number] => [day * DAY, (day + 1) * DAY]), days } };
}

describe('a report from device day summaries', () => {
  it('equals the report from every event, whatever the history and the period', () => {
    let covered = 0;
    for (let seed = 1; seed <= 40; seed += 1) {
      const log = history(seed);
      const rnd = random(seed * 7);
      for (let i = 0; i < 6; i += 1) {
        const since = i === 0 ? D0 + DAY : D0 - DAY + Math.floor(rnd() * 3 * DAY);
        const until = i === 1 ? D0 + 5 * DAY - 1 : since + Math.floor(rnd() * (DAYS + 1) * DAY);
        const q = { since, until };
        const input = summarized(log, since, until);
        covered += input.devices.days.length;
        expect(buildReport(input, q), `seed ${seed}, period ${since - D0} .. ${until - D0}`).toEqual(
          buildReport(
            log.filter((e) => e.ts <= until),
            q,
          ),
        );
      }
    }
    expect(covered, 'summaries were used').toBeGreaterThan(500);
  });

  it('reads the show-crossing-midnight figures from the changes it keeps', () => {
    const log = history(3);
    const q = { since: D0 + 12 * H, until: D0 + 4 * DAY };
    const report = buildReport(summarized(log, q.since, q.until), q);
    expect(report.shows.map((s) => [s.show, s.failovers.length, s.failovers[0]?.recoverMs])).toEqual([['night', 1, 5_300]]);
    // The program's faults, read as they are: silent 10 min into the show, black 8 min across the midnight.
    expect(report.shows.map((s) => [s.content.silentMs, s.content.blackMs])).toEqual([[10 * 60_000, 8 * 60_000]]);
    expect(report.devices.map((d) => d.device)).toEqual(['cam-1', 'cam-2', 'cam-3', 'late-1', 'mic-1']);
  });
});
