import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { ALERT_KINDS, type Alert } from '../../../protocols/alerting.ts';
import { agentLostAlert } from '../../support/alert-fixture.ts';
import { AlertmanagerOutbox } from '../../../controller/alerting/alertmanager/outbox.ts';
import {
  ALERT_NAMES,
  ackLinkUrl,
  acknowledgementSilence,
  consoleAlertUrl,
  toPostableAlert,
} from '../../../controller/alerting/alertmanager/to-alertmanager.ts';
import { PostableAlert, PostableSilence } from '../../../controller/alerting/alertmanager/wire.ts';

const STARTS = Date.parse('2026-12-07T01:00:00.000Z');

/** An agent-lost alert as the engine raises it, in studio-a during the evening news. */
const agentLost = (over: Partial<Alert> = {}): Alert =>
  agentLostAlert({
    id: 7,
    startsAt: STARTS,
    labels: { studio: 'studio-a', show: 'evening-news', agent: 'agent-a' },
    inhibits: ['device:agent-a/cam-1'],
    events: [41],
    incident: 3,
    ...over,
  });

const links = {
  consoleUrl: consoleAlertUrl('https://onair.studio.example/', 7),
  ackUrl: ackLinkUrl('https://onair.studio.example', 'eyJhIjo3fQ.c2ln'),
  runbookTitle: 'Agent lost: check the studio PC',
};

describe('OnAir alerts in Alertmanager v2 bodies', () => {
  it('posts a firing alert with its labels, annotations, start and generator URL, and no end', () => {
    const body = toPostableAlert(agentLost(), links, 'en');
    expect(JSON.parse(JSON.stringify(body))).toEqual({
      labels: {
        alertname: 'OnAirAgentLost',
        severity: 'critical',
        studio: 'studio-a',
        show: 'evening-news',
        agent: 'agent-a',
        onair_alert: '7',
      },
      annotations: {
        summary: 'agent-a lost: 4 devices, 2 slots affected, all failed over',
        runbook: 'Agent lost: check the studio PC',
        console_url: 'https://onair.studio.example/#/alert/7',
        ack_url: 'https://onair.studio.example/ack/eyJhIjo3fQ.c2ln',
        incident: '3',
      },
      startsAt: '2026-12-07T01:00:00.000Z',
      generatorURL: 'https://onair.studio.example/#/alert/7',
    });
    expect(Value.Check(PostableAlert, body)).toBe(true);
  });

  it('ends a resolved alert at its end, and offers no acknowledgement link once acknowledged', () => {
    const ends = STARTS + 95_000;
    const resolved = toPostableAlert(agentLost({ state: 'resolved', endsAt: ends, updatedAt: ends }), links, 'en');
    expect(resolved.endsAt).toBe('2026-12-07T01:01:35.000Z');
    expect(resolved.annotations?.ack_url).toBeUndefined();
    const acked = toPostableAlert(agentLost({ state: 'acknowledged', ackedAt: STARTS + 1, ackedBy: 'wang' }), links, 'en');
    expect(acked.endsAt).toBeUndefined();
    expect(acked.annotations?.ack_url).toBeUndefined();
  });

  it('describes the detail, a flapping count and a missing backup, in the asked language', () => {
    const alert = agentLost({
      kind: 'device',
      severity: 'warning',
      labels: { studio: 'studio-a', slot: 'studio-a/cam-wide', agent: 'agent-a', device: 'cam-1', role: 'camera' },
      detail: 'failed over to cam-2',
      count: 11,
      noBackupLeft: true,
    });
    expect(toPostableAlert(alert, {}, 'zh-CN')).toEqual({
      labels: {
        alertname: 'OnAirDeviceFault',
        severity: 'warning',
        studio: 'studio-a',
        slot: 'studio-a/cam-wide',
        agent: 'agent-a',
        device: 'cam-1',
        role: 'camera',
        onair_alert: '7',
      },
      annotations: {
        summary: 'agent-a lost: 4 devices, 2 slots affected, all failed over',
        description: 'failed over to cam-2\n告警期间原因反复出现 11 次\n已无可用备份：再出一次故障将导致停播',
        incident: '3',
      },
      startsAt: '2026-12-07T01:00:00.000Z',
    });
  });

  it('names every kind with a stable alertname of its own', () => {
    const names = ALERT_KINDS.map((k) => ALERT_NAMES[k]);
    expect(new Set(names).size).toBe(ALERT_KINDS.length);
    for (const name of names) expect(name).toMatch(/^OnAir[A-Z][A-Za-z]+$/);
  });

  it('stands an acknowledgement for a silence on the onair_alert label, by the person, with their comment', () => {
    const alert = agentLost({ state: 'acknowledged', ackedBy: 'wang', ackComment: '换备用机' });
    const silence = acknowledgementSilence(alert, STARTS + 60_000, STARTS + 60_000 + 86_400_000, 'en');
    expect(silence).toEqual({
      matchers: [{ name: 'onair_alert', value: '7', isRegex: false, isEqual: true }],
      startsAt: '2026-12-07T01:01:00.000Z',
      endsAt: '2026-12-08T01:01:00.000Z',
      createdBy: 'wang',
      comment: '换备用机',
    });
    expect(Value.Check(PostableSilence, silence)).toBe(true);
    const renewed = acknowledgementSilence({ id: 7, ackedBy: 'wang' }, STARTS, STARTS + 1, 'en', 'b7b7');
    expect(renewed.id).toBe('b7b7');
    expect(renewed.comment).toBe('Acknowledged in OnAir by wang; the silence ends when the alert resolves');
  });
});

describe('what waits to be posted', () => {
  const body = (severity: Alert['severity'], state: Alert['state'] = 'firing') =>
    toPostableAlert(agentLost({ severity, state, ...(state === 'resolved' ? { endsAt: STARTS + 5_000 } : {}) }), {}, 'en');

  it('posts only the newest body of an alert that changed while Alertmanager was down', () => {
    const outbox = new AlertmanagerOutbox(100);
    outbox.changed(7, body('critical'), false, STARTS);
    const batch = outbox.take(10);
    outbox.failed(batch);
    outbox.changed(7, body('critical', 'acknowledged'), false, STARTS + 1_000);
    expect(outbox.take(10)).toEqual([{ alert: 7, body: body('critical', 'acknowledged') }]);
  });

  it('ends the old label set when the severity changes (to Alertmanager it was another alert)', () => {
    const outbox = new AlertmanagerOutbox(100);
    outbox.changed(7, body('warning'), false, STARTS);
    outbox.take(10);
    outbox.changed(7, body('critical'), false, STARTS + 30_000);
    const [ended, now] = outbox.take(10);
    expect(ended?.body.labels.severity).toBe('warning');
    expect(ended?.body.endsAt).toBe('2026-12-07T01:00:30.000Z');
    expect(now?.body.labels.severity).toBe('critical');
    expect(now?.body.endsAt).toBeUndefined();
    expect(outbox.openCount).toBe(1);
  });

  it('forgets a resolved alert once taken, and takes bounded batches', () => {
    const outbox = new AlertmanagerOutbox(100);
    outbox.changed(7, body('critical', 'resolved'), true, STARTS);
    expect(outbox.openCount).toBe(0);
    for (let id = 100; id < 105; id += 1) outbox.changed(id, toPostableAlert(agentLost({ id }), {}, 'en'), false, STARTS);
    expect(outbox.take(4)).toHaveLength(4);
    expect(outbox.take(4)).toHaveLength(2);
    expect(outbox.take(4)).toHaveLength(0);
  });

  it('drops the oldest bodies beyond its bound, and counts them', () => {
    const outbox = new AlertmanagerOutbox(3);
    for (let id = 1; id <= 5; id += 1) outbox.changed(id, toPostableAlert(agentLost({ id }), {}, 'en'), false, STARTS);
    expect(outbox.dropped).toBe(2);
    expect(outbox.take(10).map((e) => e.alert)).toEqual([3, 4, 5]);
  });
});
