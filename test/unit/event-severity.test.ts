/**
 * Severity from on-air impact: one rule (protocols/event-severity.ts) for the controller's alerts and
 * the console's event log. The table says what each kind of event is worth; the last case checks the
 * alerting's severityOf answers the same as the page for the same impact.
 */
import { describe, expect, it } from 'vitest';
import { eventSeverity, severityFromImpact, type Severity } from '../../protocols/event-severity.ts';
import type { ControllerEvent } from '../../protocols/events.ts';
import { severityOf } from '../../controller/alerting/alerts/severity.ts';
import { harness, ref } from './failover-harness.ts';

const e = (type: string, data: Record<string, unknown>): ControllerEvent => ({ seq: 1, ts: 0, type, data }) as ControllerEvent;

describe('event severity from on-air impact', () => {
  const table: Array<[string, ControllerEvent, Severity]> = [
    ['a slot down while its show is on air', e('slot.down', { onAir: true }), 'critical'],
    ['a slot down off air', e('slot.down', { onAir: false }), 'minor'],
    ['a slot down logged before onAir was told', e('slot.down', {}), 'critical'],
    [
      'the live member of an on-air slot failed (covered until its failover has had its chance)',
      e('device.state', { from: 'ok', to: 'failed', onAir: 'live' }),
      'warning',
    ],
    ['a backup of an on-air slot failed: redundancy reduced', e('device.state', { from: 'ok', to: 'offline', onAir: 'backup' }), 'warning'],
    ['a device in no slot on air failed', e('device.state', { from: 'ok', to: 'failed', onAir: 'off' }), 'minor'],
    ['a device failed, logged before onAir was told', e('device.state', { from: 'ok', to: 'failed' }), 'warning'],
    ['a device recovered', e('device.state', { from: 'failed', to: 'ok', onAir: 'live' }), 'cleared'],
    ['a device degraded', e('device.state', { from: 'ok', to: 'degraded', onAir: 'live' }), 'info'],
    ['a failover that found nothing', e('failover.failed', { from: 'a/cam-1', attempts: [] }), 'critical'],
    ['a failover that worked', e('failover.succeeded', { from: 'a/cam-1', to: 'b/cam-2', durationMs: 300, attempts: [] }), 'cleared'],
    ['an agent lost', e('agent.offline', { session: 1 }), 'warning'],
    ['an agent back', e('agent.online', { session: 2 }), 'cleared'],
    ['the broker back', e('broker.restored', {}), 'cleared'],
    ["the controller's critical alarm", e('alarm', { severity: 'critical' }), 'critical'],
    ['a pre-show no-go', e('preshow.checklist', { go: false, show: 's', notReady: [], slots: [] }), 'critical'],
    ['a show started', e('show.started', {}), 'info'],
  ];
  it.each(table)('%s', (_, event, severity) => expect(eventSeverity(event)).toBe(severity));

  it('the controller and the page agree: the same impact, the same severity', () => {
    const settings = { preShowWindowMs: 600_000 };
    const impacts = [
      { onAirSlots: 1, downOnAir: 1, noBackupLeft: false },
      { onAirSlots: 2, downOnAir: 0, noBackupLeft: true },
      { onAirSlots: 0, downOnAir: 0, noBackupLeft: false },
      { onAirSlots: 0, downOnAir: 0, noBackupLeft: false, showInMs: 60_000 },
      { onAirSlots: 0, downOnAir: 0, noBackupLeft: false, showInMs: 6_000_000 },
    ];
    for (const impact of impacts)
      expect(severityOf(impact, settings)).toBe(
        severityFromImpact({ ...impact, showSoon: impact.showInMs !== undefined && impact.showInMs <= settings.preShowWindowMs }),
      );
    expect(impacts.map((i) => severityOf(i, settings))).toEqual(['critical', 'warning', 'minor', 'warning', 'minor']);
    // The page's slot down on air and the alerting's slot-down impact: both critical.
    expect(eventSeverity(e('slot.down', { onAir: true }))).toBe(severityOf({ onAirSlots: 1, downOnAir: 1, noBackupLeft: false }, settings));
  });
});

describe('the facts the severity weighs, where the controller records them', () => {
  it("the failover engine tells a device's part in the slots on air, and slot.down whether the slot was on air", async () => {
    const h = harness();
    expect(h.engine.onAirPart(ref('a', 'cam-1'))).toBe('off');
    h.engine.setOnAir(true);
    expect([ref('a', 'cam-1'), ref('b', 'cam-2'), ref('z', 'cam-9')].map((r) => h.engine.onAirPart(r))).toEqual(['live', 'backup', 'off']);
    h.statuses.set('b/cam-2', 'failed');
    h.statuses.set('c/cam-3', 'offline');
    h.fail('a/cam-1');
    await h.settle();
    expect(h.events.find((e) => e.type === 'slot.down')?.data).toEqual({ onAir: true });
  });
});
