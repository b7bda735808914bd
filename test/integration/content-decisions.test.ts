/**
 * The controller's decisions on content faults (issue 22), over its real broker: an agent (here a
 * client logged in as one, publishing what an agent with a media watch publishes: its birth,
 * heartbeats, each device's health with the `picture` check and the `contentFaults` metric, and the
 * results of the commands it gets) reports a picture that went black while the gear answers.
 */
import { describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { topic } from '../../protocols/contract.ts';
import { DeviceRegistration } from '../../protocols/device-config.ts';
import type { ControllerEvent } from '../../protocols/events.ts';
import type { Controller } from '../../controller/controller.ts';
import { request, withController, type RequestOptions } from '../../client/request-client.ts';
import { registerStudio } from '../../studio-harness/catalog-setup.ts';
import type { OperationParams } from '../../protocols/contract.ts';
import type { QuietWindow } from '../../protocols/content-policy.ts';
import { fakeMediaAgent, type MediaAgent } from '../support/media-agent.ts';
import { cleanupAfterEach, closeClient, collect, rawClient, startController, waitUntil } from './helpers.ts';

const cleanup = cleanupAfterEach();
const SLOT = 'studio-a/cam';

interface Rig {
  controller: Controller;
  client: MqttClient;
  events: () => ControllerEvent[];
  agent: MediaAgent;
  ask: RequestOptions;
}

type SlotContent = Pick<OperationParams<'slot.add'>, 'onContentFault' | 'mayBeDark' | 'maySilence'>;

async function rig(slot: SlotContent = {}, extra: Array<Record<string, unknown>> = []): Promise<Rig> {
  const controller = await startController({ dataDir: cleanup.tempDir(), config: { onAir: true, detection: { recoverAfterMs: 300 } } });
  cleanup.defer(() => controller.stop());
  const agent = await fakeMediaAgent(controller.brokerUrl, 'agent-a', ['cam-1', 'cam-2', ...extra.map((d) => d.device as string)], (stop) =>
    cleanup.defer(stop),
  );
  const ask: RequestOptions = { broker: controller.brokerUrl, timeoutMs: 10_000, issuedBy: 'test' };
  await registerStudio(controller.brokerUrl, {
    devices: [
      { agent: 'agent-a', device: 'cam-1', profile: 'simulated-camera', studio: 'studio-a' },
      { agent: 'agent-a', device: 'cam-2', profile: 'simulated-camera', studio: 'studio-a' },
    ],
    slots: [],
    by: 'test',
  });
  await withController(ask, async (c) => {
    const versions = new Map((await request(c, 'profile.list', {}, ask)).profiles.map((p) => [p.profile, p.version]));
    for (const r of extra)
      await request(c, 'device.add', { registration: { profileVersion: versions.get(r.profile as string)!, ...r } as never }, ask);
    await request(c, 'slot.add', { slot: SLOT, primary: 'agent-a/cam-1', backups: ['agent-a/cam-2'], ...slot }, ask);
  });
  const client = await rawClient(controller.brokerUrl);
  cleanup.defer(() => closeClient(client));
  const seen = await collect(client, topic.controllerEvents());
  const events = () => seen.map((e) => e.payload as ControllerEvent);
  await waitUntil(() => controller.status().slots[0]?.members.every((m) => m.status === 'ok'), 5_000, 'both cameras ok');
  return { controller, client, events, agent, ask };
}

/** The show 'news' with the slot, put on air now (before its pre-show tests would start), with a quiet window if given. */
async function showOnAir(r: Rig, quiet?: QuietWindow): Promise<void> {
  const now = Date.now();
  await withController(r.ask, async (c) => {
    const show = { id: 'news', studio: 'studio-a', startsAt: now + 60_000, endsAt: now + 3_600_000, slots: [SLOT], preShowMinutes: 0 };
    await request(c, 'show.add', show, r.ask);
    if (quiet) await request(c, 'show.quiet', { show: 'news', ...quiet }, r.ask);
    await request(c, 'show.start', { id: 'news' }, r.ask);
  });
}

const active = (r: Rig) => r.controller.status().slots[0]!.active?.device;
const alarms = (r: Rig) => r.events().filter((e) => e.type === 'alarm');

describe('content faults on air, decided by the controller', () => {
  it('a black live camera fails over like any failure (the default)', async () => {
    const r = await rig();
    r.agent.set('cam-1', { picture: 'black' });
    await waitUntil(() => active(r) === 'cam-2', 5_000, 'cam-2 live');
    expect(r.agent.commands).toContainEqual(expect.objectContaining({ device: 'cam-2', action: 'activate' }));
  });

  it('onContentFault alarm: a black camera stays live and a critical alarm names slot, member and fault; a gear failure still fails over', async () => {
    const r = await rig({ onContentFault: 'alarm' });
    r.agent.set('cam-1', { picture: 'black' });
    const alarm = await waitUntil(() => alarms(r).find((e) => e.data.severity === 'critical'), 5_000, 'the alarm');
    expect(alarm).toMatchObject({ slot: SLOT, agent: 'agent-a', device: 'cam-1', data: { cause: 'content' } });
    expect(alarm.reason).toContain('its live member agent-a/cam-1 has black (picture: black for 2.4 s), kept on air');
    // Tolerated as the registry tracks it (degraded: taken after every healthy member), so never down: no failover.
    await waitUntil(() => r.controller.status().slots[0]!.members[0]!.status === 'degraded', 2_000, 'cam-1 degraded');
    expect(active(r)).toBe('cam-1');
    expect(r.events().filter((e) => e.type === 'failover.started' || (e.type === 'device.state' && e.data.to === 'failed'))).toEqual([]);
    r.agent.set('cam-1', { gear: 'failed' });
    await waitUntil(() => active(r) === 'cam-2', 5_000, 'cam-2 live after the gear failed');
  });

  it("a show's quiet window tolerates black: a warning, no failover", async () => {
    const r = await rig();
    const now = Date.now();
    await showOnAir(r, { from: now - 1_000, to: now + 600_000, faults: ['black'], note: 'night scene' });
    r.agent.set('cam-1', { picture: 'black' });
    const alarm = await waitUntil(() => alarms(r).find((e) => e.device === 'cam-1'), 5_000, 'the warning');
    expect(alarm).toMatchObject({ data: { severity: 'warning' }, reason: expect.stringContaining("inside the show's quiet window") });
    // Black reports (failed, more than failAfterProbes in a row) after the alarm, tracked as its gear says: ok.
    const cam1 = await waitUntil(
      () =>
        r.controller
          .status()
          .devices.find((d) => d.device === 'cam-1' && d.detail?.includes('black') && (d.lastHealthAt ?? 0) > alarm.ts + 300),
      5_000,
      'more black reports of cam-1',
    );
    expect(cam1.status).toBe('ok');
    expect(r.events().find((e) => e.type === 'show.added' && e.data.changed)).toMatchObject({
      by: 'test',
      reason: expect.stringMatching(/^quiet window .+ for black of every slot \(night scene\)$/),
    });
    expect(active(r)).toBe('cam-1');
    expect(r.events().some((e) => e.type === 'failover.started')).toBe(false);
  });
});

/** A registration's `media` (its role: program, playback) comes with the media-devices branch (protocols/device-config.ts). */
const registrationTakesMedia = 'media' in DeviceRegistration.properties;

describe.runIf(registrationTakesMedia)('the program: what viewers see', () => {
  it('a black program with every source healthy is a critical alarm naming "black program", and the report counts its seconds', async () => {
    const program = {
      agent: 'agent-a',
      device: 'program-1',
      profile: 'simulated-camera',
      studio: 'studio-a',
      options: {},
      media: { source: { url: 'udp://127.0.0.1:5999' }, role: 'program' },
    };
    const r = await rig({}, [program]);
    const now = Date.now();
    await showOnAir(r);
    r.agent.set('program-1', { picture: 'black' });
    const alarm = await waitUntil(() => alarms(r).find((e) => e.device === 'program-1'), 5_000, 'the alarm');
    expect(alarm).toMatchObject({ data: { severity: 'critical', cause: 'content' } });
    expect(alarm.reason).toMatch(/^black program on agent-a\/program-1 \(picture: black for 2\.4 s\); every source on air is healthy/);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    r.agent.set('program-1', { picture: 'fine' });
    await waitUntil(() => alarms(r).some((e) => e.data.severity === 'cleared'), 5_000, 'the alarm cleared');
    expect(active(r), 'no slot failed over: the cameras are fine').toBe('cam-1');
    const report = await withController(r.ask, (c) => request(c, 'report', { since: now - 60_000 }, r.ask));
    const news = report.shows.find((s) => s.show === 'news')!;
    expect(news.content.blackMs).toBeGreaterThanOrEqual(1_400);
    expect(news.content.blackMs).toBeLessThan(5_000);
    expect(news.downMs).toBe(news.content.blackMs);
  });
});
