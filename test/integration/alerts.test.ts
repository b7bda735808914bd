/**
 * The alert engine in a real controller: two agents on a real broker, four slots on air with their
 * primaries on agent-a, a studio whose responsible engineer is reached by a webhook on loopback.
 * agent-a going away is one alert, all its failovers inside it, and one notification delivered.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Controller } from '../../controller/controller.ts';
import type { Agent } from '../../agent/agent.ts';
import type { Alert } from '../../protocols/alerting.ts';
import { eventsOf } from '../../protocols/events.ts';
import { WebhookReceiver } from '../support/webhook-receiver.ts';
import { cleanupAfterEach, registerGear, startAgent, startController, waitUntil } from './helpers.ts';

const cleanup = cleanupAfterEach();
const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.down();
});

const SLOTS = [1, 2, 3, 4].map((i) => ({
  id: `studio-a/cam-${i}`,
  primary: `agent-a/cam-${i}`,
  backups: [`agent-b/spare-${i}`],
  params: {},
}));

async function ask(controller: Controller, op: string, body: unknown): Promise<unknown> {
  const { answer, ok } = await controller.requests.ask(op, body, 'admin', 'test');
  const parsed = JSON.parse(answer.toString('utf8')) as { data?: unknown; error?: string };
  expect(ok, `${op}: ${parsed.error ?? ''}`).toBe(true);
  return parsed.data;
}

describe('alerts in a running controller', () => {
  it('an agent that goes away with 4 slots on air is one alert and one notification', async () => {
    const receiver = new WebhookReceiver();
    receivers.push(receiver);
    await receiver.up();
    const controller = await startController({ dataDir: cleanup.tempDir(), config: { onAir: true, detection: { recoverAfterMs: 300 } } });
    cleanup.defer(() => controller.stop());
    const agents: Record<string, Agent> = {};
    for (const id of ['agent-a', 'agent-b']) {
      agents[id] = await startAgent(controller.brokerUrl, id, []);
      cleanup.defer(() => agents[id]!.stop());
    }
    await registerGear(
      controller.brokerUrl,
      [
        { agent: 'agent-a', devices: [1, 2, 3, 4].map((i) => ({ id: `cam-${i}`, kind: 'camera' })) },
        { agent: 'agent-b', devices: [1, 2, 3, 4].map((i) => ({ id: `spare-${i}`, kind: 'camera' })) },
      ],
      SLOTS,
    );
    await ask(controller, 'contact.add', { id: 'ops-hook', kind: 'webhook', to: receiver.url });
    await ask(controller, 'person.add', { id: 'wang', name: '王工', contacts: ['ops-hook'] });
    await ask(controller, 'studio.set', { id: 'studio-a', responsible: 'wang' });
    await waitUntil(() => controller.status().slots.every((s) => s.members.every((m) => m.status === 'ok')), 10_000, 'members ok');

    await agents['agent-a']!.stop();
    await waitUntil(() => controller.status().slots.every((s) => s.active?.agent === 'agent-b'), 10_000, 'every slot on its spare');
    await receiver.until(() => receiver.received.length >= 1, 'the notification');
    const alertList = async () => ((await ask(controller, 'alert.list', { state: 'open' })) as { alerts: Alert[] }).alerts;
    const allOver = () =>
      eventsOf(controller.events({ limit: 10_000 }), 'alert.changed').some((e) => e.data.summary.endsWith('all failed over'));
    await waitUntil(() => allOver() || undefined, 5_000, 'all failed over');

    const events = controller.events({ limit: 10_000 }); // in-process read of the embedded log
    expect(eventsOf(events, 'alert.raised').map((e) => e.data.key)).toEqual(['agent-lost:agent-a']);
    expect(eventsOf(events, 'failover.succeeded')).toHaveLength(4);
    const [alert] = await alertList();
    expect(alert).toMatchObject({
      kind: 'agent-lost',
      severity: 'warning',
      summary: 'agent-a lost: 4 devices, 4 slots affected, all failed over',
    });
    expect(alert!.inhibits.filter((k) => k.startsWith('failover:'))).toHaveLength(4);
    expect(receiver.received).toHaveLength(1);
    await waitUntil(
      () => eventsOf(controller.events({ limit: 10_000 }), 'notification.sent').length === 1 || undefined,
      5_000,
      'its notification.sent',
    );
  }, 60_000);
});
