/**
 * Failover reaches the program: a real controller and agents, OBS Studio simulated over a real
 * WebSocket as the program switcher. On air, the program cuts to the backup only while it shows the
 * failed camera; a director on another source is left alone (the preview holding the failed camera
 * is moved instead); off air nothing is cut.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.ts';
import type { Controller } from '../../controller/controller.ts';
import { formatStatus } from '../../cli/operator-commands.ts';
import { request, withController, type RequestOptions } from '../../client/request-client.ts';
import { registerStudio } from '../../studio-harness/catalog-setup.ts';
import type { OperationName, OperationParams, OperationData } from '../../protocols/contract.ts';
import { ObsStudioSimulator } from '../../simulators/obs-studio.ts';
import { ATEM_MODELS, AtemSwitcherSimulator } from '../../simulators/atem-switcher.ts';
import { removeDir, simulate, startAgent, startController, tempDir, waitUntil } from './helpers.ts';

let dir: string;
let controller: Controller;
let agents: Agent[];
let obs: ObsStudioSimulator;
let atem: AtemSwitcherSimulator;

const ask = <O extends OperationName>(op: O, params: OperationParams<O>): Promise<OperationData<O>> => {
  const options: RequestOptions = { broker: controller.brokerUrl, timeoutMs: 10_000, issuedBy: 'engineer@test' };
  return withController(options, (c) => request(c, op, params, options));
};
const cuts = () => controller.events({}).filter((e) => e.type === 'program.cut');
const active = () => controller.status().slots.find((s) => s.slot === 'studio-a/cam-wide')!.active?.device;
const status = (device: string) => controller.status().devices.find((d) => d.device === device)?.status;

beforeAll(async () => {
  dir = tempDir();
  obs = new ObsStudioSimulator();
  await obs.listen(0);
  atem = new AtemSwitcherSimulator(ATEM_MODELS['mini-pro']);
  await atem.listen(0);
  controller = await startController({ dataDir: dir, config: { detection: { recoverAfterMs: 300 }, plan: { preShowRetryMs: 200 } } });
  agents = [await startAgent(controller.brokerUrl, 'agent-a', []), await startAgent(controller.brokerUrl, 'agent-b', [])];
  const probe = { intervalMs: 100, timeoutMs: 80 };
  await registerStudio(controller.brokerUrl, {
    by: 'test',
    devices: [
      { agent: 'agent-a', device: 'cam-1', profile: 'simulated-camera', probe },
      { agent: 'agent-b', device: 'cam-2', profile: 'simulated-camera', probe },
      {
        agent: 'agent-a',
        device: 'switcher-1',
        profile: 'obs-studio-30-switcher',
        options: { host: '127.0.0.1', port: obs.port },
        probe: { intervalMs: 250, timeoutMs: 200 },
      },
      { agent: 'agent-a', device: 'cam-3', profile: 'simulated-camera', probe },
      { agent: 'agent-b', device: 'cam-4', profile: 'simulated-camera', probe },
      {
        agent: 'agent-b',
        device: 'atem-1',
        profile: 'blackmagic-atem-mini-pro',
        options: { host: '127.0.0.1', port: atem.port },
        probe: { intervalMs: 250, timeoutMs: 200 },
      },
    ],
    slots: [
      {
        id: 'studio-a/cam-wide',
        primary: 'agent-a/cam-1',
        backups: ['agent-b/cam-2'],
        params: { preset: 1 },
        program: { 'agent-a/cam-1': 'switcher-1#scene:Cam 1', 'agent-b/cam-2': 'switcher-1#scene:Cam 2' },
      },
      {
        id: 'studio-a/close-up',
        primary: 'agent-a/cam-3',
        backups: ['agent-b/cam-4'],
        params: { preset: 2 },
        program: { 'agent-a/cam-3': 'atem-1#input:3', 'agent-b/cam-4': 'atem-1#input:4' },
      },
    ],
  });
  await waitUntil(
    () => ['cam-1', 'cam-2', 'cam-3', 'cam-4', 'switcher-1', 'atem-1'].every((d) => status(d) === 'ok'),
    10_000,
    'cameras and switchers ok',
  );
});

afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  await controller.stop();
  await obs.stop();
  await atem.stop();
  removeDir(dir);
});

describe('a slot that names where its members appear on the program', () => {
  it('is checked against the switcher at registration', async () => {
    const base = { slot: 'studio-a/cam-x', primary: 'agent-a/cam-1', backups: ['agent-b/cam-2'], params: { preset: 1 } };
    await expect(ask('slot.add', { ...base, program: { 'cam-1': 'cam-2#scene:Cam 1' } })).rejects.toThrow(
      'agent-b/cam-2 is no program switcher (its driver is simulated; switchers: obs, atem)',
    );
    await expect(ask('slot.add', { ...base, program: { 'cam-1': 'switcher-1#input:1' } })).rejects.toThrow(
      'agent-a/switcher-1 (obs) takes scene:<name>, not "input:1"',
    );
    await expect(ask('slot.add', { ...base, program: { 'switcher-1': 'switcher-1#scene:Cam 1' } })).rejects.toThrow(
      /it is not a member of slot studio-a\/cam-x/,
    );
    await expect(ask('slot.add', { ...base, program: { 'cam-1': 'atem-1#scene:Cam 1' } })).rejects.toThrow(
      'agent-b/atem-1 (atem) takes input:<n>, not "scene:Cam 1"',
    );
    await expect(ask('slot.add', { ...base, program: { 'cam-1': 'switcher-1#scene:Cam 1', 'cam-2': 'atem-1#input:2' } })).rejects.toThrow(
      /one slot feeds one program switcher/,
    );
    expect(
      controller
        .status()
        .slots.map((s) => s.slot)
        .sort(),
    ).toEqual(['studio-a/cam-wide', 'studio-a/close-up']);
  });

  it('on air, the program cuts to the backup when it showed the camera that failed', async () => {
    obs.state.program = 'Cam 1';
    await ask('on-air', { onAir: true, reason: 'test' });
    const before = cuts().length;
    const hungAt = Date.now();
    await simulate(controller.brokerUrl, 'agent-a', 'cam-1', { mode: 'dead' });
    await waitUntil(() => obs.state.program === 'Cam 2', 3_000, 'OBS program on Cam 2');
    const programCutMs = Date.now() - hungAt;
    expect(active()).toBe('cam-2');
    await waitUntil(() => cuts().length === before + 1, 2_000, 'program.cut recorded');
    expect(cuts().at(-1)).toMatchObject({
      slot: 'studio-a/cam-wide',
      agent: 'agent-a',
      device: 'switcher-1',
      data: { switcher: 'agent-a/switcher-1', from: 'scene:Cam 1', to: 'scene:Cam 2', cut: true, program: 'Cam 2' },
    });
    expect(programCutMs).toBeLessThan(3_000);
    // onair status shows what each switcher airs and the last take made on it.
    await waitUntil(
      () => controller.status().program?.find((p) => p.switcher === 'agent-a/switcher-1')?.onProgram === 'scene:Cam 2',
      2_000,
      'status shows the program',
    );
    expect(controller.status().program?.find((p) => p.switcher === 'agent-a/switcher-1')?.lastCut).toMatchObject({
      slot: 'studio-a/cam-wide',
      from: 'scene:Cam 1',
      to: 'scene:Cam 2',
      cut: true,
    });
    expect(formatStatus(controller.status(), 'en')).toMatch(
      /PROGRAM\n {2}agent-a\/switcher-1 +scene:Cam 2 {2}last take .* studio-a\/cam-wide: cut scene:Cam 1 → scene:Cam 2/,
    );
  });

  it('on air, a director on another source is not overridden: the preview holding the failed camera moves to the backup', async () => {
    await simulate(controller.brokerUrl, 'agent-a', 'cam-1', 'clear');
    await waitUntil(() => status('cam-1') === 'ok', 5_000, 'cam-1 back');
    const manual = cuts().length;
    await ask('failover', { slot: 'studio-a/cam-wide', to: 'agent-a/cam-1', reason: 'primary repaired' });
    await waitUntil(() => obs.state.program === 'Cam 1' && cuts().length === manual + 1, 3_000, 'program back on Cam 1, its cut recorded');
    obs.state.studioMode = true;
    obs.state.program = 'Wide';
    obs.state.preview = 'Cam 1';
    const before = cuts().length;
    await simulate(controller.brokerUrl, 'agent-a', 'cam-1', { mode: 'dead' });
    await waitUntil(() => cuts().length === before + 1, 5_000, 'program.cut recorded');
    expect(cuts().at(-1)).toMatchObject({ data: { cut: false, program: 'Wide', previewMoved: true } });
    expect(obs.state).toMatchObject({ program: 'Wide', preview: 'Cam 2' });
    expect(active()).toBe('cam-2');
  });

  it("on air, an ATEM cuts to the backup camera's input when program showed the failed one", async () => {
    await ask('on-air', { onAir: true, reason: 'test' });
    atem.takeOnPanel(3);
    const before = cuts().length;
    await simulate(controller.brokerUrl, 'agent-a', 'cam-3', { mode: 'dead' });
    await waitUntil(() => atem.program[0] === 4, 3_000, 'ATEM program on input 4');
    await waitUntil(
      () =>
        cuts()
          .slice(before)
          .some((e) => e.slot === 'studio-a/close-up'),
      2_000,
      'program.cut recorded',
    );
    expect(
      cuts()
        .slice(before)
        .find((e) => e.slot === 'studio-a/close-up'),
    ).toMatchObject({
      slot: 'studio-a/close-up',
      device: 'atem-1',
      data: { switcher: 'agent-b/atem-1', from: 'input:3', to: 'input:4', cut: true, program: 'input:4' },
    });
  });

  it('off air, a failover never touches the program', async () => {
    await simulate(controller.brokerUrl, 'agent-a', 'cam-1', 'clear');
    await waitUntil(() => status('cam-1') === 'ok', 5_000, 'cam-1 back');
    await ask('on-air', { onAir: false, reason: 'test' });
    obs.state.studioMode = false;
    obs.state.program = 'Cam 2';
    const before = cuts().length;
    const requests = obs.requests.length;
    await ask('failover', { slot: 'studio-a/cam-wide', to: 'agent-a/cam-1', reason: 'rehearsal' });
    await new Promise((r) => setTimeout(r, 500));
    expect(obs.state.program).toBe('Cam 2');
    expect(cuts().length).toBe(before);
    expect(obs.requests.slice(requests).filter((r) => r.startsWith('Set') || r.startsWith('Trigger'))).toEqual([]);
  });

  it('on air, a switcher that refuses the take raises a critical alarm and the failover itself stands', async () => {
    obs.state.program = 'Cam 1';
    await ask('on-air', { onAir: true, reason: 'test' });
    obs.setFault('refuse');
    const alarms = () => controller.events({}).filter((e) => e.type === 'alarm' && /did not take/.test(e.reason ?? ''));
    const before = alarms().length;
    await simulate(controller.brokerUrl, 'agent-a', 'cam-1', { mode: 'dead' });
    await waitUntil(() => alarms().length > before, 4_000, 'the alarm for the refused take');
    expect(alarms().at(-1)).toMatchObject({ slot: 'studio-a/cam-wide', data: { severity: 'critical' } });
    expect(alarms().at(-1)!.reason).toMatch(/agent-a\/switcher-1 did not take scene:Cam 2 for agent-b\/cam-2/);
    expect(active(), 'the backup camera is live all the same').toBe('cam-2');
    expect(obs.state.program).toBe('Cam 1');
    obs.setFault('none');
    await ask('on-air', { onAir: false, reason: 'test' });
    await simulate(controller.brokerUrl, 'agent-a', 'cam-1', 'clear');
    await waitUntil(() => status('cam-1') === 'ok', 5_000, 'cam-1 back');
  });

  it('a show’s pre-show check covers the switcher its slots cut on, without touching its program; one in no slot that is not ready is NO-GO', async () => {
    const startsAt = Date.now() + 600_000;
    const show = (id: string) =>
      ask('show.add', { id, studio: 'studio-a', startsAt, endsAt: startsAt + 60_000, slots: ['studio-a/cam-wide'] });
    await show('evening');
    const program = obs.state.program;
    const requests = obs.requests.length;
    const ready = await ask('preshow', { show: 'evening', run: true });
    expect(ready.switchers).toEqual([expect.objectContaining({ agent: 'agent-a', device: 'switcher-1', ready: true, result: 'passed' })]);
    expect(obs.state.program, 'a pre-show test never changes what a switcher airs').toBe(program);
    expect(obs.requests.slice(requests).filter((r) => r.startsWith('Set') || r.startsWith('Trigger'))).toEqual([]);

    obs.setFault('render-stall');
    await show('late');
    const notReady = await ask('preshow', { show: 'late', run: true });
    obs.setFault('none');
    expect(notReady.go).toBe(false);
    expect(notReady.switchers![0]).toMatchObject({ device: 'switcher-1', ready: false, result: 'failed' });
    const alarm = controller
      .events({})
      .filter((e) => e.type === 'alarm' && e.data.show === 'late')
      .at(-1);
    expect(alarm?.reason).toMatch(/agent-a\/switcher-1 \(program switcher, no backup\)/);
  });
});
