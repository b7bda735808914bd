/**
 * `onair demo --scenario stream-failure`: a show streams through OBS (encoder-1, its backup
 * encoder-2), the live encoder loses its ingest and keeps reconnecting, the backup encoder goes live
 * and only then is the primary stopped; the report shows the outage.
 */
import type { ControllerEvent } from '../../protocols/events.ts';
import { endShow, narrated, waitFor, type DemoSummary } from './scenario.ts';
import type { Studio } from '../../studio-harness/studio.ts';

export interface StreamHardware {
  breakPrimaryStream(): void;
  repairPrimaryStream(): void;
  streamingSince(): Array<number | undefined>;
}

const SLOT = 'studio-a/stream';
const PRIMARY = { agent: 'agent-a', device: 'encoder-1' };
const BACKUP = 'agent-b/encoder-2';
const SHOW = 'demo-stream';

export async function runStreamScenario(studio: Studio, say: (line: string) => void, hardware: StreamHardware): Promise<DemoSummary> {
  const summary: DemoSummary = {
    scenario: 'stream-failure',
    slot: SLOT,
    failedDevice: 'agent-a/encoder-1',
    activatedDevice: null,
    detectionMs: null,
    failoverMs: null,
    totalMs: null,
    primaryAvailableAfterRepair: false,
    streamOutageMs: null,
    ok: false,
  };
  return narrated(studio, say, describe, summary, async (t0) => {
    const everything = studio.agents().flatMap((a) => a.devices.map((d) => ({ agent: a.id, device: d.id })));
    await studio.waitForDevices(everything, 20_000);
    const startsAt = Date.now() + 3_000;
    say(
      `All ${everything.length} devices healthy. Show ${SHOW} streams through ${SLOT} (encoder-1 live, encoder-2 its backup): on air in 3 s, stream started by the show.`,
    );
    const mark = studio.mark();
    await studio.ask('show.add', {
      id: SHOW,
      studio: 'studio-a',
      title: 'OnAir demo stream',
      startsAt,
      endsAt: startsAt + 10 * 60_000,
      slots: [SLOT],
      stream: SLOT,
      startStream: true,
      preShowMinutes: 2 / 60,
    });
    await studio.waitForEvent((e) => e.type === 'stream.changed' && e.data.on === true, 15_000, 'the stream starting at air time', mark);
    say('Streaming on encoder-1.');
    await new Promise((r) => setTimeout(r, 1_500));

    say('Injecting a fault: encoder-1 loses its ingest (its stream output reconnects, and keeps reconnecting).');
    const beforeFault = studio.mark();
    const injectedAt = Date.now();
    hardware.breakPrimaryStream();
    const failed = await studio.waitForEvent(
      (e) => e.type === 'device.state' && e.device === PRIMARY.device && e.data.to === 'failed',
      10_000,
      'encoder-1 failed',
      beforeFault,
    );
    summary.detectionMs = failed.ts - injectedAt;
    const switched = await studio.waitForEvent(
      (e) => (e.type === 'failover.succeeded' || e.type === 'failover.failed') && e.slot === SLOT,
      10_000,
      `failover of ${SLOT}`,
      beforeFault,
    );
    if (switched.type === 'failover.succeeded') {
      summary.activatedDevice = String(switched.data.to);
      summary.failoverMs = switched.ts - failed.ts;
      summary.totalMs = switched.ts - injectedAt;
    }
    const backupSince = hardware.streamingSince()[1];
    summary.streamOutageMs = backupSince === undefined ? null : Math.max(0, backupSince - injectedAt);
    await waitFor(() => hardware.streamingSince()[0] === undefined, 3_000);
    say(
      `encoder-2 streaming ${summary.streamOutageMs ?? '?'} ms after the ingest was lost; encoder-1 ${hardware.streamingSince()[0] === undefined ? 'stopped once encoder-2 confirmed' : 'STILL STREAMING'}.`,
    );

    const beforeRepair = studio.mark();
    hardware.repairPrimaryStream();
    await studio.waitForEvent(
      (e) => e.type === 'device.state' && e.device === PRIMARY.device && e.data.to === 'ok',
      15_000,
      'encoder-1 repaired',
      beforeRepair,
    );
    summary.primaryAvailableAfterRepair = studio.slots.get(SLOT)?.active?.device === 'encoder-2';
    say('The engineer ends the show (the show stops its stream). Its report:');
    const { show } = await endShow(studio, SHOW, t0, summary);
    for (const sl of show?.slots ?? [])
      say(`  ${sl.slot}: down ${sl.downMs} ms, degraded ${sl.degradedMs} ms (the stream reconnecting before the failover)`);
    const figures = show?.stream;
    if (figures)
      say(
        `  stream: ${figures.impairedMs} ms impaired (in the failure rate), ${figures.reconnects} reconnect(s), longest outage ${figures.longestOutageMs} ms, ${figures.framesDropped} frames dropped`,
      );
    summary.streamImpairedMs = figures?.impairedMs ?? null;
    for (const f of show?.failovers ?? []) say(`  failover ${f.slot}: ${f.from} → ${f.to} by ${f.by}`);
    summary.ok = summary.activatedDevice === BACKUP && hardware.streamingSince()[0] === undefined && summary.primaryAvailableAfterRepair;
  });
}

function describe(e: ControllerEvent): string | undefined {
  if (e.type === 'device.state' && e.device?.startsWith('encoder'))
    return `${e.agent}/${e.device}: ${e.data.from} → ${e.data.to.toUpperCase()}  (${e.reason ?? ''})`;
  if (e.type === 'failover.succeeded')
    return `FAILOVER ${e.slot}: ${e.data.from} → ${e.data.to} streaming, confirmed in ${e.data.durationMs} ms`;
  if (e.type === 'stream.changed')
    return `stream of ${e.slot} ${e.data.on ? 'started' : 'stopped'} on ${e.agent}/${e.device}${e.data.ok ? '' : ` — FAILED: ${e.reason ?? ''}`}`;
  if (e.type === 'show.started' || e.type === 'show.ended')
    return `show ${e.data.show} ${e.type === 'show.started' ? 'ON AIR' : 'off air'}`;
  return undefined;
}
