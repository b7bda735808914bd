/** The alarm bar's pure parts (console/alarm-order.ts): its order, its counts, and when it reads again. */
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../protocols/alerting.ts';
import type { ControllerEvent } from '../../protocols/events.ts';
import { barOrder, countBySeverity, newestAlertEvent } from '../../console/alarm-order.ts';

const alert = (id: number, severity: Alert['severity'], state: Alert['state'], startsAt: number) =>
  ({ id, severity, state, startsAt }) as Alert;

describe('the alarm bar', () => {
  const alerts = [
    alert(1, 'minor', 'firing', 1_000),
    alert(2, 'critical', 'acknowledged', 2_000),
    alert(3, 'warning', 'firing', 3_000),
    alert(4, 'critical', 'firing', 1_500),
    alert(5, 'critical', 'firing', 2_500),
  ];

  it('lists unacknowledged first, then the most severe, then the newest', () => {
    expect(barOrder(alerts).map((a) => a.id)).toEqual([5, 4, 3, 1, 2]);
  });

  it('counts open alarms per severity and the unacknowledged among them', () => {
    expect(countBySeverity(alerts)).toEqual({
      critical: { open: 3, unacked: 2 },
      warning: { open: 1, unacked: 1 },
      minor: { open: 1, unacked: 1 },
    });
    expect(countBySeverity([]).critical).toEqual({ open: 0, unacked: 0 });
  });

  it('reads again when a newer alert event arrives, not on other events', () => {
    const events = [
      { seq: 10, type: 'alert.raised' },
      { seq: 11, type: 'device.state' },
    ] as ControllerEvent[];
    expect(newestAlertEvent(events)).toBe(10);
    expect(newestAlertEvent([...events, { seq: 12, type: 'alert.taken' } as ControllerEvent])).toBe(12);
    expect(newestAlertEvent([])).toBe(0);
  });
});
