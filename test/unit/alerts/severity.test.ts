import { describe, expect, it } from 'vitest';
import { correlate } from '../../../controller/alerting/alerts/correlate.ts';
import { impactOfSlots, severityOf } from '../../../controller/alerting/alerts/severity.ts';
import { formatAlerts } from '../../../cli/alarm-command.ts';
import type { ControllerEvent } from '../../../protocols/events.ts';
import { StudioPicture } from './alerts-harness.ts';

const settings = { preShowWindowMs: 3_600_000 };
const T = Date.UTC(2026, 11, 7, 20, 0, 0);

describe('severity from impact', () => {
  it('down on air is critical, covered on air a warning, off air minor unless a show is near', () => {
    expect(severityOf({ onAirSlots: 2, downOnAir: 1, noBackupLeft: false }, settings)).toBe('critical');
    expect(severityOf({ onAirSlots: 1, downOnAir: 0, noBackupLeft: true }, settings)).toBe('warning');
    expect(severityOf({ onAirSlots: 0, downOnAir: 0, noBackupLeft: false, showInMs: 3_600_000 }, settings)).toBe('warning');
    expect(severityOf({ onAirSlots: 0, downOnAir: 0, noBackupLeft: false, showInMs: 3_600_001 }, settings)).toBe('minor');
    expect(severityOf({ onAirSlots: 0, downOnAir: 0, noBackupLeft: false }, settings)).toBe('minor');
  });

  it('"no backup left": an on-air slot with no healthy member besides the live one', () => {
    const picture = new StudioPicture();
    const [cam, spare] = picture.addAgent('agent-a', 2);
    picture.addSlot('cam-1', [cam!, spare!]);
    expect(impactOfSlots(['cam-1'], 'studio-a', picture, T)).toMatchObject({ onAirSlots: 1, downOnAir: 0, noBackupLeft: false });
    picture.status.set('agent-a/dev-2', 'failed');
    expect(impactOfSlots(['cam-1'], 'studio-a', picture, T).noBackupLeft).toBe(true);
  });
});

describe('correlate (pure)', () => {
  const state = { open: () => undefined, openViews: () => [], recentlyResolved: () => false };
  const event = (e: Partial<ControllerEvent>): ControllerEvent => ({ seq: 7, ts: T, data: {}, ...e }) as ControllerEvent;

  it('a device failing on air raises one device alert with its labels; settling decides nothing', () => {
    const ctx = new StudioPicture();
    const [cam] = ctx.addAgent('agent-a', 1);
    ctx.addSlot('cam-1', [cam!]);
    const failed = event({ type: 'device.state', agent: 'agent-a', device: 'dev-1', data: { from: 'ok', to: 'failed' } });
    expect(correlate(failed, { ctx, settings, state })).toEqual([
      {
        do: 'raise',
        seq: 7,
        key: 'device:agent-a/dev-1',
        kind: 'device',
        severity: 'warning',
        labels: { agent: 'agent-a', device: 'dev-1', studio: 'studio-a', role: 'camera', slot: 'cam-1' },
        summary: expect.objectContaining({ text: 'agent-a/dev-1 failed', message: expect.objectContaining({ key: 'summary.device' }) }),
      },
    ]);
    ctx.view = 'settling';
    expect(correlate(failed, { ctx, settings, state })).toEqual([]);
  });

  it('alarms map to their kinds; cleared resolves only an open alert', () => {
    const ctx = new StudioPicture();
    const storage = event({ type: 'alarm', reason: 'cannot write', data: { severity: 'critical', cause: 'storage' } });
    expect(correlate(storage, { ctx, settings, state })[0]).toMatchObject({
      do: 'raise',
      key: 'controller:storage',
      kind: 'controller',
      severity: 'critical',
    });
    const cleared = event({ type: 'alarm', data: { severity: 'cleared', cause: 'storage' } });
    expect(correlate(cleared, { ctx, settings, state })).toEqual([]);
    const noGo = event({ type: 'preshow.checklist', data: { show: 'news', go: false, notReady: ['cam-1'], slots: [] } });
    expect(correlate(noGo, { ctx, settings, state })[0]).toMatchObject({ key: 'preshow:news', kind: 'preshow', severity: 'warning' });
  });
});

describe('onair alarm list', () => {
  it('prints a table, open first as the controller answers', () => {
    const text = formatAlerts([
      {
        id: 12,
        key: 'agent-lost:agent-a',
        kind: 'agent-lost',
        severity: 'warning',
        state: 'acknowledged',
        labels: { agent: 'agent-a' },
        summary: 'agent-a lost: 4 devices, 2 slots affected, all failed over',
        startsAt: T,
        updatedAt: T,
        count: 1,
        inhibits: ['device:agent-a/dev-1'],
        events: [1],
        level: 0,
        incident: 1,
        ackedAt: T + 60_000,
        ackedBy: 'wang',
        ackComment: 'on it',
      },
    ]);
    expect(text).toBe(
      [
        'ALERT  STATE         SEVERITY  STARTED           COUNT  SUMMARY',
        '#12    acknowledged  warning   2026-12-07 20:00  1      agent-a lost: 4 devices, 2 slots affected, all failed over',
        '       acknowledged by wang at 2026-12-07 20:01: on it',
        '       includes 1 alerts of the same cause',
        '',
      ].join('\n'),
    );
    expect(formatAlerts([])).toBe('no alerts\n');
  });
});

describe('onair alarm list in Chinese', () => {
  it('says the same in zh-CN', () => {
    expect(formatAlerts([], 'zh-CN')).toBe('没有告警\n');
  });
});
