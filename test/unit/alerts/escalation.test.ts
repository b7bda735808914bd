import { describe, expect, it } from 'vitest';
import { escalationStep, firstLevel } from '../../../controller/alerting/alerts/escalation.ts';
import { PEOPLE, alertRig } from './alerts-harness.ts';

const at = (h: number, m: number, s: number) => Date.UTC(2026, 11, 7, h, m, s);
const time = (ts: number) => new Date(ts).toISOString().slice(11, 19);

/** A critical alert raised at 20:00:00: a slot down on air that no other alert covers. */
function criticalAt2000() {
  const rig = alertRig(at(20, 0, 0));
  const [cam] = rig.picture.addAgent('agent-a', 1);
  rig.picture.addSlot('cam-1', [cam!]);
  rig.picture.slots.get('cam-1')!.down = true;
  rig.emit('slot.down', { slot: 'cam-1', data: {} });
  expect(rig.raised().map((e) => e.data.severity)).toEqual(['critical']);
  return rig;
}
const told = (rig: ReturnType<typeof alertRig>) =>
  rig.queued.filter((q) => q.reason !== 'resolved' && q.contact.endsWith('-mail')).map((q) => `${time(q.at)} ${q.person} ${q.reason}`);

describe('escalation, exact to the second', () => {
  it('critical raised 20:00:00: lead at 20:02:00, manager at 20:04:00, manager again at 20:06:00', () => {
    const rig = criticalAt2000();
    rig.tickUntil(at(20, 6, 30));
    expect(told(rig)).toEqual(['20:00:00 wang firing', '20:02:00 li escalated', '20:04:00 zhao escalated', '20:06:00 zhao escalated']);
    const escalated = rig.recorded.filter((e) => e.type === 'alert.escalated').map((e) => [time(e.ts), e.data]);
    expect(escalated[0]).toEqual(['20:02:00', { alert: 1, level: 'emergency-lead', people: ['li'] }]);
  });

  it('acknowledged at 20:01:59: nobody else is told, ever', () => {
    const rig = criticalAt2000();
    rig.tickUntil(at(20, 1, 59));
    rig.engine.acknowledge(1, 'wang', 'cli');
    rig.tickUntil(at(21, 0, 0));
    expect(told(rig)).toEqual(['20:00:00 wang firing']);
    expect(rig.recorded.find((e) => e.type === 'alert.acked')!.data).toMatchObject({ person: 'wang', via: 'cli', afterMs: 119_000 });
  });

  it('a level that names nobody is skipped at once', () => {
    const rig = criticalAt2000();
    rig.named.delete('emergency-lead');
    rig.tickUntil(at(20, 4, 0));
    expect(told(rig)).toEqual(['20:00:00 wang firing', '20:02:00 zhao escalated', '20:04:00 zhao escalated']);
  });

  it('a restart continues at the stored time', () => {
    const rig = criticalAt2000();
    rig.tickUntil(at(20, 1, 0));
    rig.restart();
    rig.tickUntil(at(20, 2, 30));
    expect(told(rig)).toEqual(['20:00:00 wang firing', '20:02:00 li escalated']);
  });

  it('resolved: escalation stops and queued notices are cancelled', () => {
    const rig = criticalAt2000();
    rig.tickUntil(at(20, 1, 0));
    rig.emit('slot.state', { slot: 'cam-1', data: { from: 'down', to: 'ok', active: 'agent-a/dev-1' } });
    rig.tickUntil(at(20, 10, 0));
    expect(told(rig)).toEqual(['20:00:00 wang firing']);
    expect(rig.cancelled).toEqual([1]);
  });
});

describe('escalationStep (pure)', () => {
  const settings = { escalateAfterMs: { critical: 120_000, warning: 900_000, minor: 3_600_000 } };
  const everyone = (level: number) => [Object.values(PEOPLE)[level]!];
  it('is not due before its time, nor when acknowledged', () => {
    const alert = { state: 'firing' as const, level: 0, nextEscalationAt: at(20, 2, 0), severity: 'critical' as const };
    expect(escalationStep(alert, at(20, 1, 59), settings, everyone)).toBeUndefined();
    expect(escalationStep({ ...alert, state: 'acknowledged' }, at(20, 3, 0), settings, everyone)).toBeUndefined();
  });
  it('a late tick keeps the times; periods missed while no controller ran are not replayed', () => {
    const alert = { state: 'firing' as const, level: 0, nextEscalationAt: at(20, 2, 0), severity: 'critical' as const };
    expect(escalationStep(alert, at(20, 2, 0) + 700, settings, everyone)).toMatchObject({ level: 1, nextEscalationAt: at(20, 4, 0) });
    expect(escalationStep(alert, at(20, 9, 30), settings, everyone)).toMatchObject({ level: 1, nextEscalationAt: at(20, 10, 0) });
  });
  it('the first level is the first that names someone', () => {
    expect(firstLevel((l) => (l === 0 ? [] : everyone(l))).level).toBe(1);
    expect(firstLevel(() => [])).toEqual({ level: 0, people: [] });
  });
});
