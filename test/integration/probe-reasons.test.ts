/**
 * Issue 20, point 15: a dead OBS, ATEM or Firmata board is reported with the driver's own reason, not
 * "probe of X timed out after 200 ms". Real gear on real transports (obs-websocket over WebSocket, the
 * ATEM protocol over UDP, Firmata over a pty), an agent and the controller; each registered with the old
 * 200 ms probe deadline, which the agent raises above the driver's own request deadline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.ts';
import type { Controller } from '../../controller/controller.ts';
import { createPtyPair, type PtyPair } from '../../lib/serial/pty-pair.ts';
import { registerStudio } from '../../studio-harness/catalog-setup.ts';
import { request, withController } from '../../client/request-client.ts';
import { ATEM_MODELS, AtemSwitcherSimulator } from '../../simulators/atem-switcher.ts';
import { FirmataBoardSimulator } from '../../simulators/firmata-board.ts';
import { ObsStudioSimulator } from '../../simulators/obs-studio.ts';
import { removeDir, startAgent, startController, tempDir, waitUntil } from './helpers.ts';

let dir: string;
let controller: Controller;
let agent: Agent;
let pair: PtyPair;
let board: FirmataBoardSimulator;
let obsPort: number;
const obs = new ObsStudioSimulator();
const atem = new AtemSwitcherSimulator(ATEM_MODELS['mini-pro']);
const device = (id: string) => controller.status().devices.find((d) => d.device === id);

beforeAll(async () => {
  dir = tempDir();
  let atemPort: number;
  [obsPort, atemPort] = [await obs.listen(0), await atem.listen(0)];
  pair = await createPtyPair();
  board = new FirmataBoardSimulator(pair.b);
  await board.start();
  controller = await startController({ dataDir: dir });
  agent = await startAgent(controller.brokerUrl, 'agent-a', []);
  const probe = { intervalMs: 250, timeoutMs: 200 }; // the old default: under every driver's own deadline
  await registerStudio(controller.brokerUrl, {
    by: 'technician',
    devices: [
      { agent: 'agent-a', device: 'obs-1', profile: 'obs-studio-30-switcher', probe, options: { host: '127.0.0.1', port: obsPort } },
      { agent: 'agent-a', device: 'atem-1', profile: 'blackmagic-atem-mini-pro', probe, options: { host: '127.0.0.1', port: atemPort } },
      {
        agent: 'agent-a',
        device: 'gpio-1',
        profile: 'arduino-uno-relay-tally',
        probe,
        options: { path: pair.a, tallies: { 'cam-1': 12 } },
      },
    ],
    slots: [],
  });
  await waitUntil(() => ['obs-1', 'atem-1', 'gpio-1'].every((d) => device(d)?.status === 'ok'), 20_000, 'gear ok').catch((err: Error) => {
    throw new Error(
      `${err.message}: ${controller
        .status()
        .devices.map((d) => `${d.device}=${d.status} ${d.detail ?? ''}`)
        .join('; ')}`,
    );
  });
}, 40_000);

afterAll(async () => {
  await agent?.stop();
  await controller?.stop();
  await obs.stop();
  await atem.stop();
  await board?.stop();
  await pair?.close();
  removeDir(dir);
});

describe("a dead device is reported with its driver's own reason", () => {
  it('the registration answers that the 200 ms deadline was raised over the driver’s own, naming both fields', async () => {
    const options = { broker: controller.brokerUrl, timeoutMs: 10_000, issuedBy: 'technician' };
    const answer = await withController(options, async (c) => {
      const version = (await request(c, 'profile.list', {}, options)).profiles.find((p) => p.profile === 'obs-studio-30-switcher')!.version;
      const registration = {
        agent: 'agent-a',
        device: 'obs-1',
        profile: 'obs-studio-30-switcher',
        profileVersion: version,
        options: { host: '127.0.0.1', port: obsPort },
        probe: { intervalMs: 250, timeoutMs: 200 },
      };
      return request(c, 'device.add', { registration }, options);
    });
    expect(answer.notes).toEqual([
      expect.stringContaining(
        "probe.timeoutMs (200 ms) is not longer than the obs driver's own request deadline, options.requestTimeoutMs (1000 ms): raised to 1250 ms",
      ),
    ]);
  });

  it.each([
    ['obs-1', () => obs.setFault('dead'), /timed out after 1000 ms/],
    // Its own deadline, or the session it saw end (atem-connection's own keepalive), whichever it met
    // first; on a loaded machine the keepalive can end the session before a probe starts, and the probe
    // then reports the connection's own state (seen under two `yes` processes on 2 cores).
    [
      'atem-1',
      () => atem.setFault('dead'),
      /the ATEM did not acknowledge within 500 ms|the ATEM session ended during the probe|the switcher stopped answering \(session lost\)/,
    ],
    ['gpio-1', () => board.setFault('dead'), /board did not answer a version query within 300 ms/],
  ])(
    '%s',
    async (id, kill, reason) => {
      kill();
      await waitUntil(() => device(id)?.status === 'failed', 15_000, `${id} failed`);
      const detail = device(id)?.detail ?? '';
      expect(detail).toMatch(reason);
      expect(detail).not.toMatch(/probe of/);
      const failures = controller.events({}).filter((e) => e.type === 'device.state' && e.device === id && e.data.to === 'failed');
      expect(failures.map((e) => e.reason).join(' | ')).toMatch(reason);
    },
    30_000,
  );
});
