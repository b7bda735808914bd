/**
 * The demo scenarios of issue 22, on the wire-protocol simulators with real media (ffmpeg):
 * - picture-black: on air, the primary camera keeps answering ONVIF but its picture goes black; its
 *   media watch fails it, the slot fails over to cam-2 and the program (OBS) cuts to Cam 2;
 * - sound-silent: the host's mic goes silent while its receiver reports the transmitter fine; mic-2
 *   takes over (unmuted);
 * - battery: the pre-show checklist flags a mic whose battery will not last the show.
 */
import type { ControllerEvent } from '../../protocols/events.ts';
import type { DeviceRef } from '../../protocols/schemas.ts';
import { refName } from '../../protocols/device-ref.ts';
import type { Studio } from '../../studio-harness/studio.ts';
import type { MediaScenario } from './scenarios.ts';
import { formatChecklist } from '../show-command.ts';
import { describeEvent, endShow, narrated, newSummary, scheduleShow, waitFor, type CameraFaults, type DemoSummary } from './scenario.ts';

/** What the media scenarios do to the simulated gear (studio-harness/hardware.ts with `media`). */
export interface MediaFaults extends CameraFaults {
  blackOutPrimaryCamera(): Promise<void>;
  restorePrimaryCamera(): Promise<void>;
  silenceHostMic(): Promise<void>;
  restoreHostMic(): Promise<void>;
  setMicBattery(index: number, minutes: number): void;
}

interface ContentCase {
  slot: string;
  primary: DeviceRef;
  backup: string;
  fault: 'black' | 'silent';
  inject(hw: MediaFaults): Promise<void>;
  restore(hw: MediaFaults): Promise<void>;
  telling: string;
}

const CASES: Record<'picture-black' | 'sound-silent', ContentCase> = {
  'picture-black': {
    slot: 'studio-a/cam-wide',
    primary: { agent: 'agent-a', device: 'cam-1' },
    backup: 'agent-b/cam-2',
    fault: 'black',
    inject: (hw) => hw.blackOutPrimaryCamera(),
    restore: (hw) => hw.restorePrimaryCamera(),
    telling: 'agent-a/cam-1 keeps answering ONVIF, but its picture goes black (its SRT substream, watched by the agent with ffmpeg).',
  },
  'sound-silent': {
    slot: 'studio-a/mic-host',
    primary: { agent: 'agent-a', device: 'mic-1' },
    backup: 'agent-b/mic-2',
    fault: 'silent',
    inject: (hw) => hw.silenceHostMic(),
    restore: (hw) => hw.restoreHostMic(),
    telling:
      "the host's mic agent-a/mic-1 goes silent (its audio feed carries digital silence) while its Shure receiver reports the transmitter fine.",
  },
};

const SHOW = 'demo-media';
/** The battery scenario's show: 90 minutes, an hour from now; the host's transmitter has 42 minutes left. */
const SHOW_MINUTES = 90;
const BATTERY_MINUTES = 42;
const MIC_SLOT = 'studio-a/mic-host';

export function runMediaScenario(
  studio: Studio,
  scenario: MediaScenario,
  say: (line: string) => void,
  hw: MediaFaults,
): Promise<DemoSummary> {
  return scenario === 'battery' ? runBattery(studio, say, hw) : runContentFault(studio, scenario, CASES[scenario], say, hw);
}

async function runContentFault(
  studio: Studio,
  scenario: MediaScenario,
  c: ContentCase,
  say: (line: string) => void,
  hw: MediaFaults,
): Promise<DemoSummary> {
  const summary: DemoSummary = { ...newSummary(scenario, c.slot, refName(c.primary)), contentFault: c.fault };
  const isPrimary = (e: ControllerEvent) => e.agent === c.primary.agent && e.device === c.primary.device;
  return narrated(studio, say, describe, summary, async (t0) => {
    await goOnAir(studio, say);
    say(`Injecting a content fault: ${c.telling}`);
    const beforeFault = studio.mark();
    await c.inject(hw);
    const injectedAt = Date.now(); // the encoder confirmed it applies the change
    const failed = await studio.waitForEvent(
      (e) => e.type === 'device.state' && isPrimary(e) && e.data.to === 'failed',
      20_000,
      `${refName(c.primary)} declared failed for its ${c.fault === 'black' ? 'picture' : 'sound'}`,
      beforeFault,
    );
    summary.detectionMs = Math.max(0, failed.ts - injectedAt);
    const switched = await studio.waitForEvent(
      (e) => (e.type === 'failover.succeeded' || e.type === 'failover.failed') && e.slot === c.slot,
      10_000,
      `failover of ${c.slot}`,
      beforeFault,
    );
    if (switched.type === 'failover.succeeded') {
      summary.activatedDevice = String(switched.data.to);
      summary.failoverMs = Math.max(0, switched.ts - failed.ts);
      summary.totalMs = Math.max(0, switched.ts - injectedAt);
    }
    const seen = studio.events.slice(beforeFault).some((e) => e.type === 'content.fault' && isPrimary(e) && e.data.fault === c.fault);
    if (c.fault === 'black') {
      await waitFor(() => hw.program().scene === 'Cam 2', 3_000);
      const program = hw.program();
      summary.program = program.scene;
      summary.programCutMs = program.scene === 'Cam 2' ? Math.max(0, program.since - injectedAt) : null;
      say(
        `Program (OBS Studio): ${program.scene}${summary.programCutMs === null ? '' : `, ${summary.programCutMs} ms after the picture went black`}.`,
      );
    } else {
      say(`${summary.activatedDevice ?? c.backup} is unmuted and carries the host; ${refName(c.primary)} is muted.`);
    }

    say(`Restoring ${refName(c.primary)}'s ${c.fault === 'black' ? 'picture' : 'sound'}: shown as available, it stays off air.`);
    const beforeRepair = studio.mark();
    await c.restore(hw);
    await studio.waitForEvent(
      (e) => e.type === 'device.state' && isPrimary(e) && e.data.to === 'ok',
      20_000,
      'the primary ok again',
      beforeRepair,
    );
    await waitFor(() => studio.slots.get(c.slot)?.primaryAvailable === true, 2_000);
    const slot = studio.slots.get(c.slot);
    summary.primaryAvailableAfterRepair = slot?.primaryAvailable === true && slot.active?.device !== c.primary.device;

    say('The engineer ends the show. Its report, from the event log (onair report):');
    const { show } = await endShow(studio, SHOW, t0, summary);
    for (const f of show?.failovers ?? []) say(`  failover ${f.slot}: ${f.from} → ${f.to} by ${f.by}`);
    for (const sl of show?.slots ?? [])
      if (sl.downMs + sl.degradedMs > 0) say(`  ${sl.slot}: down ${sl.downMs} ms, degraded ${sl.degradedMs} ms`);
    summary.ok =
      seen &&
      summary.activatedDevice === c.backup &&
      summary.primaryAvailableAfterRepair &&
      (c.fault !== 'black' || summary.program === 'Cam 2');
  });
}

/** Every device healthy (pictures and sounds watched), then a show on air in 4 s with every slot. */
async function goOnAir(studio: Studio, say: (line: string) => void): Promise<void> {
  const everything = studio.agents().flatMap((a) => a.devices.map((d) => ({ agent: a.id, device: d.id })));
  await studio.waitForDevices(everything, 40_000);
  const slots = [...new Set((await studio.ask('slot.list', {})).slots.map((s) => s.id))];
  say(
    `All ${everything.length} devices healthy, cam-1's picture and both mics' sound watched by ffmpeg. Show ${SHOW} on air in 4 s with slots ${slots.join(', ')}.`,
  );
  const mark = studio.mark();
  await scheduleShow(studio, { id: SHOW, title: 'OnAir media demo', startsAt: Date.now() + 4_000, slots });
  await studio.waitForEvent((e) => e.type === 'show.started', 30_000, 'the show going on air', mark);
  await new Promise((r) => setTimeout(r, 2_000)); // live for a moment before something breaks
}

async function runBattery(studio: Studio, say: (line: string) => void, hw: MediaFaults): Promise<DemoSummary> {
  // Nothing fails in this scenario: the checklist flags mic-1 before air.
  const summary: DemoSummary = { ...newSummary('battery', MIC_SLOT, 'agent-a/mic-1'), primaryAvailableAfterRepair: true };
  return narrated(studio, say, describe, summary, async () => {
    const mics = [
      { agent: 'agent-a', device: 'mic-1' },
      { agent: 'agent-b', device: 'mic-2' },
    ];
    await studio.waitForDevices(mics, 20_000);
    say(`The host's transmitter (agent-a/mic-1) gets a tired battery: its Shure receiver reports ${BATTERY_MINUTES} min of run time.`);
    hw.setMicBattery(0, BATTERY_MINUTES);
    const startsAt = Date.now() + 60 * 60_000;
    say(
      `Show ${SHOW} is scheduled an hour from now for ${SHOW_MINUTES} min; the engineer runs its pre-show checklist now (onair preshow ${SHOW} --run).`,
    );
    await studio.ask('show.add', { id: SHOW, studio: 'studio-a', startsAt, endsAt: startsAt + SHOW_MINUTES * 60_000, slots: [MIC_SLOT] });
    // The run time reaches the controller in mic-1's next health report: the checklist is asked until it knows.
    const deadline = Date.now() + 15_000;
    const shortOf = (slot: (typeof checklist.slots)[number] | undefined) =>
      slot?.endurance?.find((v) => v.device === 'mic-1' && v.outcome === 'short');
    let checklist = await studio.ask('preshow', { show: SHOW, run: true });
    while (!shortOf(checklist.slots.find((s) => s.slot === MIC_SLOT)) && Date.now() < deadline)
      checklist = await studio.ask('preshow', { show: SHOW, run: true });
    summary.preshowGo = checklist.go;
    say(formatChecklist(checklist).trimEnd());
    const slot = checklist.slots.find((s) => s.slot === MIC_SLOT);
    const short = shortOf(slot);
    if (short) summary.enduranceShortfall = `swap before air (${slot?.enduranceShortfall ?? 'warning'}): ${short.message}`;
    await studio.ask('show.stop', { id: SHOW, reason: 'end of the demo' }).catch(() => undefined);
    summary.ok = short !== undefined;
  });
}

function describe(e: ControllerEvent): string | undefined {
  if (e.type === 'content.fault')
    return `${e.agent}/${e.device}: ${e.data.fault} ${e.data.phase === 'started' ? 'BEGAN' : `ended after ${e.data.forMs ?? '?'} ms`} (${e.data.role})`;
  if (e.type === 'preshow.started' || e.type === 'onair.changed' || e.type === 'job.finished') return undefined; // said in the story's own lines
  return describeEvent(e);
}
