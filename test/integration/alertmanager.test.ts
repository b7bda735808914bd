/**
 * OnAir's alerts through Debian's real Alertmanager (0.25): the sink posts to its v2 API, Alertmanager
 * routes and groups them to a real webhook receiver, inhibits a lost agent's device alerts, keeps an
 * acknowledgement's silence, and gets every open alert back after a restart. Skipped, saying so, only
 * where `prometheus-alertmanager` is not installed (.ci/run installs it).
 */
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../lib/clock.ts';
import { silentLogger } from '../../lib/logger.ts';
import { TypedEmitter } from '../../lib/typed-emitter.ts';
import { Alert, AlertingSettings } from '../../protocols/alerting.ts';
import type { ControllerEvent, NewEvent } from '../../protocols/events.ts';
import { alertmanagerLabels } from '../../controller/alerting/alertmanager/to-alertmanager.ts';
import { alertmanagerSink, noAlertmanagerCounts, type AlertmanagerSink } from '../../controller/alerting/alertmanager/sink.ts';
import type { AlertingCore, AlertingEvents, AckLinks } from '../../controller/alerting/types.ts';
import {
  alertmanagerProcess,
  hasAlertmanager,
  webhookReceiver,
  type AlertmanagerProcess,
  type WebhookReceiver,
} from '../support/alertmanager.ts';
import { agentLostAlert } from '../support/alert-fixture.ts';
import { cleanupAfterEach, eventually, waitUntil } from './helpers.ts';

const CONSOLE = 'http://127.0.0.1:8080';

describe.runIf(hasAlertmanager())('OnAir alerts through Debian’s Alertmanager', () => {
  const cleanup = cleanupAfterEach();

  let nextId = 1;
  /** An alert as the engine publishes it, a new id each. */
  const alert = (over: Partial<Alert> = {}): Alert => agentLostAlert({ id: nextId++, startsAt: Date.now(), ...over });

  async function setUp(options: { leading?: () => boolean } = {}) {
    const dir = cleanup.tempDir();
    const hook: WebhookReceiver = await webhookReceiver();
    cleanup.defer(() => hook.close());
    const am: AlertmanagerProcess = await alertmanagerProcess(dir, hook.url);
    am.start();
    cleanup.defer(() => am.stop());
    await am.ready();
    const bus = new TypedEmitter<AlertingEvents>();
    const settings = Value.Default(AlertingSettings, { notifier: 'alertmanager', alertmanager: { url: am.url, resendMs: 1_000 } });
    expect(Value.Check(AlertingSettings, settings)).toBe(true);
    const core: AlertingCore = {
      settings: settings as AlertingSettings,
      clock: systemClock,
      log: silentLogger(),
      record: (e: NewEvent) => ({ ...e, id: 0 }) as unknown as ControllerEvent,
      bus,
      publicUrl: () => CONSOLE,
      leading: options.leading ?? (() => true),
    };
    const ackLinks: AckLinks = { issue: (a) => `token-${a}`, redeem: () => ({ ok: false, reason: 'not in this test' }) };
    const counters = noAlertmanagerCounts();
    const sink = alertmanagerSink(core, { counters, ackLinks, locale: 'en' }) as AlertmanagerSink;
    cleanup.defer(() => sink.close());
    return { am, hook, bus, sink, counters };
  }

  /** The webhook messages about one OnAir alert, as Alertmanager reported it each time. */
  const about = (hook: WebhookReceiver, id: number) =>
    hook.messages.flatMap((m) => m.alerts.filter((a) => a.labels.onair_alert === String(id)));

  it('notifies a firing alert with its labels, then its end', async () => {
    const { hook, bus, sink, counters } = await setUp();
    sink.start();
    const lost = alert({ labels: { studio: 'studio-a', show: 'evening-news', agent: 'agent-a' } });
    bus.emit('alertChanged', lost);

    const [firing] = await waitUntil(() => about(hook, lost.id).length > 0 && about(hook, lost.id), 10_000, 'the firing webhook');
    expect(firing).toMatchObject({
      status: 'firing',
      // Exactly the labels posted (the unit test pins them to literals): Alertmanager kept them all.
      labels: alertmanagerLabels(lost),
      annotations: {
        summary: lost.summary,
        console_url: `${CONSOLE}/#/alert/${lost.id}`,
        ack_url: `${CONSOLE}/ack/token-${lost.id}`,
        incident: '1',
      },
      generatorURL: `${CONSOLE}/#/alert/${lost.id}`,
      endsAt: '0001-01-01T00:00:00Z',
    });
    expect(Date.parse(firing!.startsAt)).toBe(lost.startsAt);

    const endsAt = Date.now();
    bus.emit('alertChanged', { ...lost, state: 'resolved', endsAt, updatedAt: endsAt });
    const resolved = await waitUntil(() => about(hook, lost.id).find((a) => a.status === 'resolved'), 10_000, 'the resolved webhook');
    expect(Date.parse(resolved.endsAt)).toBe(endsAt);
    expect(counters.alertmanagerAlertsSent).toBeGreaterThanOrEqual(2);
    expect(counters.alertmanagerSendFailures).toBe(0);
  });

  it('lets the site’s inhibit rule hold a lost agent’s device alerts back', async () => {
    const { am, hook, bus, sink } = await setUp();
    sink.start();
    const lost = alert();
    const camera = alert({
      key: 'device:agent-a/cam-1',
      kind: 'device',
      labels: { studio: 'studio-a', agent: 'agent-a', device: 'cam-1', role: 'camera' },
      summary: 'cam-1 failed',
    });
    bus.emit('alertChanged', lost);
    await waitUntil(() => about(hook, lost.id).length > 0, 10_000, 'the agent-lost webhook');
    bus.emit('alertChanged', camera);
    await eventually(
      async () => (await am.alerts(`onair_alert="${camera.id}"`))[0]?.status.state === 'suppressed',
      10_000,
      'the camera alert suppressed',
    );
    const [held] = await am.alerts(`onair_alert="${camera.id}"`);
    expect(held!.status.inhibitedBy).toHaveLength(1);
    expect(about(hook, camera.id)).toEqual([]);
  });

  it('stands an acknowledgement for a silence that ends when the alert resolves', async () => {
    const { am, hook, bus, sink } = await setUp();
    sink.start();
    const lost = alert();
    bus.emit('alertChanged', lost);
    await waitUntil(() => about(hook, lost.id).length > 0, 10_000, 'the firing webhook');

    const ackedAt = Date.now();
    bus.emit('alertChanged', { ...lost, state: 'acknowledged', ackedAt, ackedBy: 'wang', ackComment: 'spare PC on its way' });
    await eventually(
      async () => (await am.alerts(`onair_alert="${lost.id}"`))[0]?.status.silencedBy.length === 1,
      10_000,
      'the alert silenced',
    );
    const silences = (await am.silences()).filter((s) => s.status.state === 'active');
    expect(silences).toHaveLength(1);
    expect(silences[0]).toMatchObject({
      matchers: [{ name: 'onair_alert', value: String(lost.id), isRegex: false, isEqual: true }],
      createdBy: 'wang',
      comment: 'spare PC on its way',
    });
    const [silenced] = await am.alerts(`onair_alert="${lost.id}"`);
    expect(silenced!.status).toMatchObject({ state: 'suppressed', silencedBy: [silences[0]!.id] });
    // The re-sends keep it, and do not make another.
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await am.silences()).filter((s) => s.status.state === 'active')).toHaveLength(1);

    const endsAt = Date.now();
    bus.emit('alertChanged', { ...lost, state: 'resolved', ackedAt, ackedBy: 'wang', endsAt, updatedAt: endsAt });
    await eventually(async () => (await am.silences()).every((s) => s.status.state === 'expired'), 10_000, 'the silence expired');
  });

  it('leaves alone a silence a person expired in Alertmanager', async () => {
    const { am, hook, bus, sink, counters } = await setUp();
    sink.start();
    const lost = alert();
    bus.emit('alertChanged', lost);
    await waitUntil(() => about(hook, lost.id).length > 0, 10_000, 'the firing webhook');
    const acked = { ...lost, state: 'acknowledged' as const, ackedAt: Date.now(), ackedBy: 'wang' };
    bus.emit('alertChanged', acked);
    await eventually(async () => (await am.silences()).some((s) => s.status.state === 'active'), 10_000, 'the silence');
    const [silence] = await am.silences();
    const expired = await fetch(`${am.url}/api/v2/silence/${silence!.id}`, { method: 'DELETE' });
    expect(expired.status).toBe(200);
    // Two re-sends check the silence: it is not made again.
    const sent = counters.alertmanagerAlertsSent;
    await waitUntil(() => counters.alertmanagerAlertsSent >= sent + 2, 10_000, 'two re-sends');
    expect((await am.silences()).map((s) => s.status.state)).toEqual(['expired']);
    const endsAt = Date.now();
    bus.emit('alertChanged', { ...acked, state: 'resolved', endsAt, updatedAt: endsAt });
    await waitUntil(() => about(hook, lost.id).some((a) => a.status === 'resolved'), 10_000, 'the resolved webhook');
    expect(counters.alertmanagerSilenceFailures).toBe(0);
  });

  it('posts again what Alertmanager lost in a restart, and what changed while it was down', async () => {
    let leading = false;
    const { am, hook, bus, sink, counters } = await setUp({ leading: () => leading });
    sink.start();
    const lost = alert();
    bus.emit('alertChanged', lost);
    // A standby keeps quiet: nothing was taken out to post.
    expect(sink.waiting.alerts).toBe(1);
    leading = true;
    await eventually(async () => (await am.alerts(`onair_alert="${lost.id}"`)).length === 1, 10_000, 'the alert in Alertmanager');

    await am.kill();
    const mic = alert({
      key: 'device:agent-b/mic-1',
      kind: 'device',
      severity: 'warning',
      labels: { studio: 'studio-b', agent: 'agent-b', device: 'mic-1' },
    });
    bus.emit('alertChanged', mic);
    await waitUntil(() => counters.alertmanagerSendFailures > 0, 10_000, 'a failed post while Alertmanager is down');

    am.start();
    await am.ready();
    await eventually(
      async () => {
        const active = (await am.alerts()).filter((a) => a.status.state === 'active').map((a) => a.labels.onair_alert);
        return active.includes(String(lost.id)) && active.includes(String(mic.id));
      },
      10_000,
      'both alerts firing again in the restarted Alertmanager',
    );
    await waitUntil(() => about(hook, mic.id).some((a) => a.status === 'firing'), 10_000, 'the alert raised while it was down, notified');
  });
});
