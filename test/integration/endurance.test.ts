/**
 * Issue 22, "Will it last the show": two Shure ULX-D receiver simulators over TCP, the host's mic with
 * 42 minutes of battery (BATT_RUN_TIME) and a show of 90 minutes. Before air the checklist says "swap
 * before air" (a warning, or NO-GO when the show says so) and `onair preshow` prints it; on air the
 * alarm is raised with the backup named, and cleared when the transmitter gets a fresh battery.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.ts';
import type { Controller } from '../../controller/controller.ts';
import { request, withController, type RequestOptions } from '../../client/request-client.ts';
import type { OperationData, OperationName, OperationParams } from '../../protocols/contract.ts';
import type { ControllerEvent } from '../../protocols/events.ts';
import { registerStudio } from '../../studio-harness/catalog-setup.ts';
import { ShureReceiverSimulator } from '../../simulators/shure-receiver.ts';
import { removeDir, runOnair, startAgent, startController, tempDir, waitUntil } from './helpers.ts';

const SLOT = 'studio-a/mic-host';
const MIN = 60_000;
let dir: string;
let controller: Controller;
let agents: Agent[] = [];
const host = new ShureReceiverSimulator();
const spare = new ShureReceiverSimulator();

const ask = <O extends OperationName>(op: O, params: OperationParams<O>): Promise<OperationData<O>> => {
  const options: RequestOptions = { broker: controller.brokerUrl, timeoutMs: 10_000, issuedBy: 'engineer' };
  return withController(options, (c) => request(c, op, params, options));
};

beforeAll(async () => {
  dir = tempDir();
  const [p1, p2] = [await host.listen(), await spare.listen()];
  host.setBattery(1, 42);
  controller = await startController({ dataDir: dir, config: { plan: { tickMs: 50, preShowRetryMs: 200 } } });
  agents = [await startAgent(controller.brokerUrl, 'agent-a', []), await startAgent(controller.brokerUrl, 'agent-b', [])];
  const receiver = (port: number) => ({ host: '127.0.0.1', port, channel: 1, meterRateMs: 0 });
  await registerStudio(controller.brokerUrl, {
    by: 'technician',
    devices: [
      { agent: 'agent-a', device: 'mic-1', profile: 'shure-ulxd4', probe: { intervalMs: 200 }, options: receiver(p1) },
      { agent: 'agent-b', device: 'mic-2', profile: 'shure-ulxd4', probe: { intervalMs: 200 }, options: receiver(p2) },
    ],
    slots: [{ id: SLOT, primary: 'agent-a/mic-1', backups: ['agent-b/mic-2'], params: {} }],
  });
  const status = (id: string) => controller.status().devices.find((d) => d.device === id)?.status;
  await waitUntil(() => status('mic-1') === 'ok' && status('mic-2') === 'ok', 20_000, 'receivers ok');
}, 40_000);

afterAll(async () => {
  for (const a of agents) await a.stop();
  await controller?.stop();
  await host.stop();
  await spare.stop();
  removeDir(dir);
});

async function checked(show: string, enduranceShortfall?: 'no-go' | 'warning') {
  const startsAt = Date.now() + 60 * MIN; // its own pre-show time (30 min before) is still to come: only --run checks it
  await ask('show.add', {
    id: show,
    studio: 'studio-a',
    startsAt,
    endsAt: startsAt + 90 * MIN,
    slots: [SLOT],
    ...(enduranceShortfall ? { enduranceShortfall } : {}),
  });
  return ask('preshow', { show, run: true });
}

describe('will it last the show', () => {
  it('before air: 42 min of battery for a 90-min show is "swap before air", a warning by default, and `onair preshow` prints it', async () => {
    const checklist = await checked('news');
    const slot = checklist.slots[0]!;
    expect(checklist.go).toBe(true);
    expect(slot).toMatchObject({ go: true, enduranceShortfall: 'warning' });
    expect(slot.endurance?.find((v) => v.device === 'mic-1')).toMatchObject({ outcome: 'short', runsOut: 'battery' });
    expect(slot.endurance?.find((v) => v.device === 'mic-2')).toMatchObject({ outcome: 'lasts' });
    expect(slot.proposal).toMatch(
      /agent-a\/mic-1's battery ends at \d\d:\d\d, before the show ends at .* → swap before air, or put agent-b\/mic-2 in place/,
    );
    const alarm = controller.events({}).find((e) => e.type === 'alarm' && e.data.show === 'news');
    expect(alarm).toMatchObject({ data: { severity: 'warning' }, reason: expect.stringContaining('will not last the show') });
    const cli = await runOnair(controller.brokerUrl, 'preshow', 'news');
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/news .*: GO — 1 slot will not last the show/);
    expect(cli.stdout).toMatch(/go\s+studio-a\/mic-host\s+\(will not last the show: warning\)/);
    expect(cli.stdout).toMatch(/SHORT\s+agent-a\/mic-1's battery ends at/);
    expect(cli.stdout).toMatch(/→ .*42 min left.*; the show runs 90 min → swap before air/);
  }, 60_000);

  it('before air: NO-GO when the show says so (exit 3)', async () => {
    const checklist = await checked('finale', 'no-go');
    expect(checklist).toMatchObject({ go: false, slots: [{ go: false, verdict: 'no-go', enduranceShortfall: 'no-go' }] });
    const cli = await runOnair(controller.brokerUrl, 'preshow', 'finale');
    expect(cli.code, cli.stderr).toBe(3);
    expect(cli.stdout).toMatch(/NO-GO\s+studio-a\/mic-host\s+\(will not last the show: NO-GO\)/);
  }, 60_000);

  it('on air: a battery that ends before the show does raises the alarm with the backup named; a fresh battery clears it', async () => {
    const now = Date.now();
    // A lead time longer than what is left: raised at once (42 min left, warned 60 min ahead).
    await ask('show.add', {
      id: 'live',
      studio: 'studio-a',
      startsAt: now + MIN,
      endsAt: now + 90 * MIN,
      slots: [SLOT],
      preShowMinutes: 0,
      enduranceLeadMinutes: 60,
    });
    await ask('show.start', { id: 'live' });
    const isEndurance = (severity: string) => (e: ControllerEvent) =>
      e.type === 'alarm' && e.data.cause === 'endurance' && e.data.show === 'live' && e.data.severity === severity;
    const raised = await waitUntil<ControllerEvent>(
      () => controller.events({}).find(isEndurance('warning')),
      10_000,
      'the endurance alarm',
    );
    expect(raised).toMatchObject({ agent: 'agent-a', device: 'mic-1', slot: SLOT });
    expect(raised.reason).toMatch(
      /^agent-a\/mic-1's battery ends at \d\d:\d\d, before the show ends at \d\d:\d\d .*; backup: agent-b\/mic-2/,
    );
    host.setBattery(1, 480, { calculatingMs: 300 }); // 65534 "calculating" first, as a receiver does with a new battery
    const cleared = await waitUntil<ControllerEvent>(() => controller.events({}).find(isEndurance('cleared')), 10_000, 'the alarm cleared');
    expect(cleared.reason).toMatch(/lasts the show/);
    expect(controller.events({}).filter(isEndurance('warning'))).toHaveLength(1);
    await ask('show.stop', { id: 'live' });
  }, 60_000);
});
