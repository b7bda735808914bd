/**
 * The stream is a monitored, failed-over thing: a show names its stream slot (two OBS encoders over
 * real WebSockets), starts the stream at air time, and when the primary's ingest stays lost past the
 * profile's 2 s the backup encoder goes live — the primary is stopped only once the backup confirmed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.ts';
import type { Controller } from '../../controller/controller.ts';
import { request, withController, type RequestOptions } from '../../client/request-client.ts';
import { registerStudio } from '../../studio-harness/catalog-setup.ts';
import type { OperationData, OperationName, OperationParams } from '../../protocols/contract.ts';
import { ObsStudioSimulator } from '../../simulators/obs-studio.ts';
import { removeDir, startAgent, startController, tempDir, waitUntil } from './helpers.ts';
import { eventsOf as typedEvents, type EventTypeName } from '../../protocols/events.ts';

let dir: string;
let controller: Controller;
let agents: Agent[];
const encoders: ObsStudioSimulator[] = [];
const SLOT = 'studio-a/stream';

const ask = <O extends OperationName>(op: O, params: OperationParams<O>): Promise<OperationData<O>> => {
  const options: RequestOptions = { broker: controller.brokerUrl, timeoutMs: 10_000, issuedBy: 'engineer@test' };
  return withController(options, (c) => request(c, op, params, options));
};
const eventsOf = <T extends EventTypeName>(type: T) => typedEvents(controller.events({}), type);
const streaming = (i: number) => encoders[i]!.state.stream.since !== undefined;

/** Both encoders healthy again, then a show `id` that starts its stream in 300 ms on the live one. */
async function streamingShow(id: string) {
  for (const e of encoders) e.setFault('none');
  await waitUntil(() => controller.status().devices.every((d) => d.status === 'ok'), 5_000, 'both encoders ok again');
  const live = controller.status().slots.find((s) => s.slot === SLOT)!.active!.device;
  const [liveSim, otherSim] = live === 'encoder-1' ? [encoders[0]!, encoders[1]!] : [encoders[1]!, encoders[0]!];
  const startsAt = Date.now() + 300;
  await ask('show.add', {
    id,
    studio: 'studio-a',
    startsAt,
    endsAt: startsAt + 8_000,
    slots: [SLOT],
    stream: SLOT,
    startStream: true,
    preShowMinutes: 2 / 60,
  });
  await waitUntil(() => liveSim.state.stream.since !== undefined, 5_000, `${live} streaming at air time`);
  return { live, liveSim, otherSim, startsAt };
}

beforeAll(async () => {
  dir = tempDir();
  for (let i = 0; i < 2; i += 1) {
    const obs = new ObsStudioSimulator({ password: 'ingest-secret' });
    await obs.listen(0);
    encoders.push(obs);
  }
  process.env.ONAIR_TEST_OBS_PASSWORD = 'ingest-secret';
  controller = await startController({ dataDir: dir, config: { plan: { tickMs: 50 }, detection: { recoverAfterMs: 300 } } });
  agents = [await startAgent(controller.brokerUrl, 'agent-a', []), await startAgent(controller.brokerUrl, 'agent-b', [])];
  const options = (port: number) => ({ host: '127.0.0.1', port, passwordEnv: 'ONAIR_TEST_OBS_PASSWORD' });
  const probe = { intervalMs: 200, timeoutMs: 150 };
  await registerStudio(controller.brokerUrl, {
    by: 'test',
    devices: [
      { agent: 'agent-a', device: 'encoder-1', profile: 'obs-studio-30-encoder', options: options(encoders[0]!.port), probe },
      { agent: 'agent-b', device: 'encoder-2', profile: 'obs-studio-30-encoder', options: options(encoders[1]!.port), probe },
    ],
    slots: [{ id: SLOT, primary: 'agent-a/encoder-1', backups: ['agent-b/encoder-2'], params: {} }],
  });
  await waitUntil(() => controller.status().devices.filter((d) => d.status === 'ok').length === 2, 10_000, 'encoders ok');
});

afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  await controller.stop();
  await Promise.all(encoders.map((e) => e.stop()));
  removeDir(dir);
});

describe('a show with a stream slot', () => {
  it('refuses --start-stream without a stream slot, and a stream slot that does not exist', async () => {
    const show = { id: 'x', studio: 'studio-a', startsAt: Date.now() + 60_000, endsAt: Date.now() + 120_000, slots: [SLOT] };
    await expect(ask('show.add', { ...show, startStream: true })).rejects.toThrow(
      "--start-stream needs the show's stream slot (--stream studio/slot)",
    );
    await expect(ask('show.add', { ...show, stream: 'studio-a/nope' })).rejects.toThrow('no slot studio-a/nope');
  });

  it('starts the stream at air time, fails over to the backup encoder when the ingest stays lost, and stops it at the end', async () => {
    const startsAt = Date.now() + 2_500;
    const added = await ask('show.add', {
      id: 'live',
      studio: 'studio-a',
      startsAt,
      endsAt: startsAt + 8_000,
      slots: [SLOT],
      stream: SLOT,
      startStream: true,
      preShowMinutes: 2 / 60,
    });
    expect(added).toMatchObject({ stream: SLOT, startStream: true, slots: [SLOT] });
    await waitUntil(() => eventsOf('preshow.checklist').length === 1, 5_000, 'pre-show checklist');
    expect((await ask('preshow', { show: 'live' })).go).toBe(true); // connected, rendering, not already streaming

    await waitUntil(() => streaming(0), 5_000, 'encoder-1 streaming at air time');
    await waitUntil(() => eventsOf('stream.changed').length === 1, 2_000, 'stream.changed recorded');
    expect(eventsOf('stream.changed').at(-1)).toMatchObject({ slot: SLOT, device: 'encoder-1', data: { on: true, ok: true } });
    expect(streaming(1)).toBe(false);

    // A short reconnect (under the profile's 2 s) degrades; a long one fails over.
    const lostAt = Date.now();
    encoders[0]!.setFault('stream-reconnecting');
    await waitUntil(
      () => controller.status().devices.find((d) => d.device === 'encoder-1')?.status === 'degraded',
      2_000,
      'degraded at once',
    );
    await waitUntil(() => streaming(1), 6_000, 'encoder-2 live');
    const outageMs = encoders[1]!.state.stream.since! - lostAt;
    expect(outageMs).toBeGreaterThan(2_000);
    expect(outageMs).toBeLessThan(4_000);
    await waitUntil(() => !streaming(0), 3_000, 'encoder-1 stopped');
    const succeeded = eventsOf('failover.succeeded').at(-1)!;
    expect(succeeded).toMatchObject({ slot: SLOT, data: { from: 'agent-a/encoder-1', to: 'agent-b/encoder-2' } });
    // The primary was told to stop only after the backup confirmed it streams.
    await waitUntil(
      () =>
        controller
          .events({})
          .some((e) => e.type === 'command.result' && e.device === 'encoder-1' && e.seq > succeeded.seq && e.data.status === 'succeeded'),
      3_000,
      'encoder-1 stop-stream confirmed after the failover',
    );

    await waitUntil(() => eventsOf('show.ended').length === 1, 10_000, 'show ended');
    await waitUntil(() => !streaming(1), 3_000, 'the stream stopped at the end');
    const report = await ask('report', { since: startsAt - 5_000, until: Date.now() });
    const show = report.shows.find((s) => s.show === 'live')!;
    expect(show.slots).toEqual([expect.objectContaining({ slot: SLOT })]);
    expect(show.slots[0]!.degradedMs).toBeGreaterThan(1_500); // reconnecting before the failover
    // What viewers went through: one reconnect, the outage until the backup streamed, in the failure rate.
    expect(show.stream).toMatchObject({ slot: SLOT, reconnects: 1 });
    expect(show.stream!.longestOutageMs).toBeGreaterThan(1_500);
    expect(show.stream!.longestOutageMs).toBeLessThan(outageMs + 500);
    expect(show.stream!.impairments.some((i) => /reconnecting/.test(i.cause))).toBe(true);
    expect(show.downMs).toBeGreaterThanOrEqual(show.stream!.impairedMs);
  });

  it('fails over when the live encoder’s stream stops by itself, and counts the frames it dropped', async () => {
    const { live, liveSim, otherSim, startsAt } = await streamingShow('late');
    liveSim.setFault('skipped-frames');
    await new Promise((r) => setTimeout(r, 1_500));
    liveSim.setFault('stream-stopped');
    const from = `agent-${live === 'encoder-1' ? 'a' : 'b'}/${live}`;
    const failovers = eventsOf('failover.succeeded').length;
    await waitUntil(() => otherSim.state.stream.since !== undefined, 4_000, 'the backup encoder streams');
    await waitUntil(
      () =>
        eventsOf('failover.succeeded')
          .slice(failovers)
          .some((e) => e.data.from === from),
      3_000,
      'the failover from the encoder whose stream stopped',
    );
    expect(
      eventsOf('device.state').some((e) => e.device === live && e.data.to === 'failed' && /stopped by itself/.test(e.reason ?? '')),
    ).toBe(true);
    await waitUntil(() => eventsOf('show.ended').length === 2, 10_000, 'show ended');
    const report = await ask('report', { since: startsAt - 5_000, until: Date.now() });
    const figures = report.shows.find((s) => s.show === 'late')!.stream!;
    expect(figures.framesDropped, '5% of 30 fps for 1.5 s').toBeGreaterThan(0);
    expect(figures.impairments.some((i) => /stopped/.test(i.cause))).toBe(true);
  });

  it('fails over when the live encoder drops frames past the profile’s limit; a few dropped frames only degrade it', async () => {
    const { live, liveSim, otherSim } = await streamingShow('heavy');
    liveSim.setFault('skipped-frames'); // 5 %: degraded, still live
    await waitUntil(
      () => controller.status().devices.find((d) => d.device === live)?.status === 'degraded',
      3_000,
      'degraded by dropped frames',
    );
    expect(otherSim.state.stream.since).toBeUndefined();
    liveSim.setFault('skipped-frames-heavy'); // 25 %
    await waitUntil(() => otherSim.state.stream.since !== undefined, 4_000, 'the backup encoder streams');
    expect(eventsOf('device.state').some((e) => e.device === live && e.data.to === 'failed' && /frames dropped/.test(e.reason ?? ''))).toBe(
      true,
    );
    liveSim.setFault('none');
    await waitUntil(() => eventsOf('show.ended').length === 3, 10_000, 'show ended');
  });
});
