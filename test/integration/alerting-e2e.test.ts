/**
 * Emergency response end to end, as production runs it: a controller with logins, two agents as
 * real child processes, 20 cameras on the one that hangs (SIGSTOP: it stops answering without a
 * will), four slots on air failing over to spares on the other, and the people and contact points
 * registered through the controller's requests. The notifications arrive at a real HTTP receiver on
 * loopback that checks each format and signature as its vendor would (test/support/chat-receiver.ts).
 *
 * The measure: one agent hang with 20 devices is ONE notification to the responsible
 * engineer, then (unacknowledged) the emergency lead is told after the critical escalation time,
 * acknowledgement stops it, and the agent's return resolves it with a notice to both. The incident
 * gathers the alert and its notifications.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.ts';
import { Studio, type StudioAgent } from '../../studio-harness/studio.ts';
import { eventsOf } from '../../protocols/events.ts';
import { startChatReceiver, type ChatReceiver } from '../support/chat-receiver.ts';
import { waitUntil } from './helpers.ts';

const SECRETS = { dingtalk: 'SECdingtalk-test', feishu: 'feishu-test-secret', webhook: 'webhook-test-secret' };
const CAMERAS = 20;
const SLOTS = 4;
const ESCALATE_MS = 10_000; // the schema's least: critical alerts climb a level after 10 s unacknowledged

const agents: StudioAgent[] = [
  { id: 'agent-a', devices: Array.from({ length: CAMERAS }, (_, i) => ({ id: `cam-${i + 1}`, kind: 'camera' as const })) },
  { id: 'agent-b', devices: Array.from({ length: SLOTS }, (_, i) => ({ id: `spare-${i + 1}`, kind: 'camera' as const })) },
];
const slots = Array.from({ length: SLOTS }, (_, i) => ({
  id: `studio-a/cam-${i + 1}`,
  primary: `agent-a/cam-${i + 1}`,
  backups: [`agent-b/spare-${i + 1}`],
  params: {},
}));

describe('emergency response: an agent hang with 20 devices', () => {
  let studio: Studio;
  let receiver: ChatReceiver;
  const to = (path: string) => receiver.received.filter((r) => r.path === path);

  beforeAll(async () => {
    receiver = await startChatReceiver(SECRETS);
    studio = new Studio({
      agents,
      slots,
      log: silentLogger(),
      controller: { alerting: { escalateAfterMs: { critical: ESCALATE_MS, warning: ESCALATE_MS, minor: ESCALATE_MS } } },
    });
    await studio.start();
    await studio.waitForDevices(
      agents.flatMap((a) => a.devices.map((d) => ({ agent: a.id, device: d.id }))),
      60_000,
    );
    await studio.ask('contact.add', { id: 'wang-hook', kind: 'webhook', to: receiver.url('/hook'), secret: SECRETS.webhook });
    await studio.ask('contact.add', { id: 'li-slack', kind: 'slack', to: receiver.url('/slack'), locale: 'en' });
    await studio.ask('person.add', { id: 'wang', name: '王工', contacts: ['wang-hook'] });
    await studio.ask('person.add', { id: 'li', name: 'Li Na', login: 'demo', contacts: ['li-slack'] });
    await studio.ask('studio.set', { id: 'studio-a', responsible: 'wang', emergencyLead: 'li' });
    await studio.ask('on-air', { onAir: true });
  }, 180_000);

  afterAll(async () => {
    await studio?.stop();
    await receiver?.close();
  });

  it('is one alert and one notification, escalated when nobody acknowledges, stopped by an acknowledgement, resolved when the agent is back', async () => {
    const mark = studio.mark();
    const hungAt = Date.now();
    studio.agentProcess('agent-a')!.kill('SIGSTOP');
    const raised = await studio.waitForEvent((e) => e.type === 'alert.raised', 30_000, 'the alert raised', mark);
    if (raised.type !== 'alert.raised') throw new Error('unreachable');
    expect(raised.data).toMatchObject({ kind: 'agent-lost', key: 'agent-lost:agent-a', severity: expect.any(String) as unknown });

    // Every slot fails over to its spare on agent-b.
    await waitUntil(
      () => slots.every((s) => studio.slots.get(s.id)?.active?.agent === 'agent-b'),
      30_000,
      'all four slots live on their spares',
    );
    await waitUntil(() => to('/hook').length >= 1, 20_000, 'the responsible engineer told');
    const firstDeliveredMs = Date.now() - hungAt;

    // Nothing more for the cause while it lasts: one alert, one notice (the failovers and 20 devices are inside it).
    const alerts = (await studio.ask('alert.list', { state: 'open' })).alerts;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'agent-lost', count: 1 });
    expect(alerts[0]!.summary).toMatch(/20 devices/);
    expect(alerts[0]!.inhibits.length).toBeGreaterThanOrEqual(CAMERAS);
    const firing = to('/hook');
    expect(firing).toHaveLength(1);
    expect(firing[0]!.body).toMatchObject({ reason: 'firing', alert: { kind: 'agent-lost' } });
    expect(eventsOf(studio.events.slice(mark), 'alert.raised')).toHaveLength(1);

    // Unacknowledged: the emergency lead is told after the critical time (from the alert's start).
    await waitUntil(() => to('/slack').length >= 1, ESCALATE_MS + 20_000, 'the emergency lead told');
    expect(to('/slack')[0]!.body.text).toMatch(/agent-a/);

    // Acknowledged (as the lead, whose login the admin `demo` is): no further escalation.
    const acked = await studio.ask('alert.ack', { alert: alerts[0]!.id, comment: 'on my way' });
    expect(acked).toMatchObject({ state: 'acknowledged', ackedBy: 'li' }); // the person, not just the login
    const told = receiver.received.length;

    // The agent returns: resolved, and everyone told hears it ended.
    studio.agentProcess('agent-a')!.kill('SIGCONT');
    await studio.waitForEvent((e) => e.type === 'alert.resolved', 30_000, 'the alert resolved', mark);
    await waitUntil(() => to('/hook').some((r) => r.body.reason === 'resolved'), 20_000, 'the engineer told it ended');
    await waitUntil(() => to('/slack').some((r) => /resolved|ended|恢复/i.test(String(r.body.text))), 20_000, 'the lead told it ended');
    const afterAck = receiver.received.slice(told);
    expect(afterAck.every((r) => r.path === '/hook' || r.path === '/slack')).toBe(true);
    expect(afterAck.filter((r) => r.path === '/hook' && r.body.reason !== 'resolved')).toEqual([]);

    // The incident gathers it.
    const incidents = (await studio.ask('incident.list', {})).incidents;
    expect(incidents).toHaveLength(1);
    const show = () => studio.ask('incident.show', { id: incidents[0]!.id });
    const sent = async () => (await show()).notifications.filter((n) => n.state === 'sent').map((n) => `${n.contact}:${n.reason}`);
    // A row is marked sent once the receiver's answer is in: a moment after the receiver has the request.
    let reasons = await sent();
    for (const deadline = Date.now() + 10_000; reasons.length < 4 && Date.now() < deadline; reasons = await sent())
      await new Promise((resolve) => setTimeout(resolve, 200));
    expect(reasons.sort()).toEqual(['li-slack:escalated', 'li-slack:resolved', 'wang-hook:firing', 'wang-hook:resolved']);
    const shown = await show();
    expect(shown.alerts.map((a) => a.id)).toEqual([alerts[0]!.id]);
    expect(shown.timeline.some((e) => e.type === 'alert.acked')).toBe(true);
    console.log(`agent hang → first notification delivered: ${firstDeliveredMs} ms (heartbeat deadline included)`);
  }, 150_000);
});
