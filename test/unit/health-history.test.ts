/**
 * The health history's persisted samples (controller/fleet/health-history.ts): one per device per
 * interval, saved once the interval is over, never per message; a device gone quiet is saved by
 * the timer's saveEnded, and everything at close.
 */
import { describe, expect, it } from 'vitest';
import { HealthHistory } from '../../controller/fleet/health-history.ts';
import type { HealthSample } from '../../controller/store/health-samples.ts';
import type { DeviceHealth } from '../../protocols/schemas.ts';

const T0 = 1_700_000_000_000 - (1_700_000_000_000 % 60_000);
const health = (metrics: DeviceHealth['metrics'], status: DeviceHealth['status'] = 'ok'): DeviceHealth =>
  ({ status, checks: [], metrics, ts: T0, driver: 'simulated', consecutiveFailures: 0, seq: 1, session: 1 }) as DeviceHealth;

describe('the health history, persisted', () => {
  it('many messages in an interval: one sample, saved when the next interval begins, with each metric’s last value', () => {
    const saved: HealthSample[] = [];
    const history = new HealthHistory({ persist: { sampleMs: 60_000, save: (s) => saved.push(structuredClone(s)) } });
    for (let i = 0; i < 600; i += 1) history.note('agent-a', 'mic-1', health({ rfDbm: -50 - (i % 7), muted: false }), T0 + i * 100);
    // A failed probe reports no metrics: the interval keeps the values it had.
    history.note('agent-a', 'mic-1', health({}, 'failed'), T0 + 59_999);
    expect(saved).toEqual([]);
    expect(history.unsaved('agent-a', 'mic-1')).toEqual({ agent: 'agent-a', device: 'mic-1', t: T0, values: { rfDbm: -50 - (599 % 7) } });
    history.note('agent-a', 'mic-1', health({ rfDbm: -40 }), T0 + 60_000);
    expect(saved).toEqual([{ agent: 'agent-a', device: 'mic-1', t: T0, values: { rfDbm: -50 - (599 % 7) } }]);
  });

  it('a device gone quiet is saved once its interval is over (the timer), the rest at close; an interval without numbers is not saved', () => {
    const saved: HealthSample[] = [];
    const history = new HealthHistory({ persist: { sampleMs: 60_000, save: (s) => saved.push(s) } });
    history.note('agent-a', 'cam-1', health({ temperatureC: 44 }), T0 + 1_000);
    history.note('agent-a', 'cam-2', health({ temperatureC: 45 }), T0 + 61_000);
    history.note('agent-a', 'cam-3', health({ model: 'x' }), T0 + 1_000);
    history.saveEnded(T0 + 59_999);
    expect(saved).toEqual([]);
    history.saveEnded(T0 + 60_000);
    expect(saved.map((s) => s.device)).toEqual(['cam-1']);
    history.saveEnded();
    expect(saved.map((s) => [s.device, s.t])).toEqual([
      ['cam-1', T0],
      ['cam-2', T0 + 60_000],
    ]);
    expect(history.unsaved('agent-a', 'cam-1')).toBeUndefined();
  });

  it('without persistence nothing is kept beyond the in-memory hour (as before)', () => {
    const history = new HealthHistory();
    history.note('agent-a', 'cam-1', health({ temperatureC: 44 }), T0);
    expect(history.unsaved('agent-a', 'cam-1')).toBeUndefined();
    expect(history.view('agent-a', 'cam-1', T0).trend.series).toEqual({ temperatureC: [44] });
  });
});
