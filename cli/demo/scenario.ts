/** Demo scenarios: go on air, break something, show the failover and measure it. */
import type { DeviceRef } from '../../protocols/schemas.ts';
import type { ControllerEvent } from '../../protocols/events.ts';
import type { Studio } from '../../studio-harness/studio.ts';
import { formatChecklist } from '../show-command.ts';

/** Breaks and repairs the primary camera for real, when the studio runs on simulated hardware. */
export interface CameraFaults {
  breakPrimaryCamera(): void;
  repairPrimaryCamera(): void;
  litTallies(): string[];
  /** What the program switcher shows, and since when (Date.now()). */
  program(): { scene: string; since: number };
}

import type { Scenario } from './scenarios.ts';
import { deviceKey, refName } from '../../protocols/device-ref.ts';

export interface DemoSummary {
  scenario: Scenario;
  slot: string;
  failedDevice: string;
  activatedDevice: string | null;
  /** Fault injected → controller declares the device failed/offline. */
  detectionMs: number | null;
  /** Device declared failed → backup confirmed active. */
  failoverMs: number | null;
  /** Fault injected → backup confirmed active. */
  totalMs: number | null;
  /** The repaired primary is shown as available, and stays off air until an engineer switches back. */
  primaryAvailableAfterRepair: boolean;
  /** The backup camera's pre-show self-test, from its profile. */
  backupSelfTest?: 'passed' | 'failed';
  /** The pre-show checklist's verdict. */
  preshowGo?: boolean;
  /** The show's technical failure rate from the report: on-air time with a slot down / on-air time. */
  failureRate?: number | null;
  /** What the program showed after the failover, and fault → program on the backup (on simulated hardware). */
  program?: string;
  programCutMs?: number | null;
  /** stream-failure: the primary encoder's ingest lost → the backup encoder streaming. */
  streamOutageMs?: number | null;
  /** Time the stream was down or degraded, as the report counts it. */
  streamImpairedMs?: number | null;
  /** picture-black, sound-silent: the content fault put on the primary while its gear kept answering. */
  contentFault?: 'black' | 'silent';
  /** battery: what the pre-show checklist said of the mic that will not last the show (absent: nothing flagged). */
  enduranceShortfall?: string;
  /** Camera tally lamps lit after the failover (on simulated hardware). */
  tallies?: string[];
  ok: boolean;
  error?: string;
}

const SLOT = 'studio-a/cam-wide';
const PRIMARY: DeviceRef = { agent: 'agent-a', device: 'cam-1' };
const BACKUP = 'agent-b/cam-2';
const SHOW = 'demo-show';
const name = (r: DeviceRef): string => refName(r);

export async function runScenario(
  studio: Studio,
  scenario: Scenario,
  say: (line: string) => void,
  hardware?: CameraFaults,
): Promise<DemoSummary> {
  const summary = newSummary(scenario, SLOT, name(PRIMARY));
  return narrated(studio, say, describeEvent, summary, async (t0) => {
    say('Starting the studio: controller with embedded broker, agent-a (primary gear) and agent-b (backup gear)…');
    const everything = studio.agents().flatMap((a) => a.devices.map((d) => ({ agent: a.id, device: d.id })));
    const count = (type: string) => studio.events.filter((e) => e.type === type).length;
    say(
      `Registered ${count('profile.added')} equipment profiles, ${count('device.added')} devices and ${count('slot.defined')} slots with the controller (what onair profile|device|slot add send); the agents started with no devices and picked theirs up from it.`,
    );
    await studio.waitForDevices(everything, 20_000);
    const slots = [...new Set((await studio.ask('slot.list', {})).slots.map((s) => s.id))];
    const startsAt = Date.now() + 4_000;
    say(
      `All ${everything.length} devices healthy. Scheduling show ${SHOW} in studio-a with slots ${slots.join(', ')}: pre-show self-tests in 1 s, on air in 4 s, by itself.`,
    );
    const showStart = studio.mark();
    await scheduleShow(studio, { id: SHOW, title: 'OnAir demo show', startsAt, slots });
    await studio.waitForEvent((e) => e.type === 'preshow.checklist', 30_000, 'the pre-show checklist', showStart);
    const checklist = await studio.ask('preshow', { show: SHOW });
    summary.preshowGo = checklist.go;
    const backup = checklist.slots.flatMap((s) => s.members).find((m) => refName(m) === BACKUP);
    if (backup) summary.backupSelfTest = backup.ready ? 'passed' : 'failed';
    say(formatChecklist(checklist).trimEnd());
    await studio.waitForEvent((e) => e.type === 'show.started', 10_000, 'the show going on air', showStart);
    await new Promise((r) => setTimeout(r, 2_000)); // live for a moment before something breaks

    let injectedAt: number;
    const beforeFault = studio.mark();
    if (scenario === 'camera-failure') {
      say(`Injecting a fault: ${name(PRIMARY)} stops answering (hung camera).`);
      if (hardware) {
        injectedAt = Date.now();
        hardware.breakPrimaryCamera();
      } else {
        const result = await studio.command(PRIMARY, 'simulate.fault', { mode: 'dead' });
        if (result.status !== 'succeeded') throw new Error(`could not inject the fault: ${result.status} ${result.error ?? ''}`);
        injectedAt = result.ts;
      }
    } else {
      const child = studio.agentProcess(PRIMARY.agent);
      say(`Killing the ${PRIMARY.agent} process with SIGKILL (its camera, mic and light vanish at once).`);
      injectedAt = Date.now();
      child?.kill('SIGKILL');
    }

    const failed = await studio.waitForEvent(
      (e) =>
        e.type === 'device.state' &&
        e.agent === PRIMARY.agent &&
        e.device === PRIMARY.device &&
        (e.data.to === 'failed' || e.data.to === 'offline'),
      10_000,
      `failure of ${name(PRIMARY)}`,
      beforeFault,
    );
    summary.detectionMs = Math.max(0, failed.ts - injectedAt);
    const switched = await studio.waitForEvent(
      (e) => (e.type === 'failover.succeeded' || e.type === 'failover.failed') && e.slot === SLOT,
      10_000,
      `failover of ${SLOT}`,
      beforeFault,
    );
    if (switched.type === 'failover.succeeded') {
      summary.activatedDevice = String(switched.data.to);
      summary.failoverMs = Math.max(0, switched.ts - failed.ts);
      summary.totalMs = Math.max(0, switched.ts - injectedAt);
    }
    if (hardware) {
      await waitFor(() => hardware.program().scene === 'Cam 2', 2_000);
      const program = hardware.program();
      summary.program = program.scene;
      summary.programCutMs = program.scene === 'Cam 2' ? Math.max(0, program.since - injectedAt) : null;
      say(`Program (OBS Studio): ${program.scene}${summary.programCutMs === null ? '' : `, ${summary.programCutMs} ms after the fault`}.`);
      await waitFor(() => hardware.litTallies().join() === 'cam-2', 2_000);
      summary.tallies = hardware.litTallies();
      say(`Tally: ${summary.tallies.join(', ') || 'none'} lit on the GPIO board.`);
    }

    if (scenario === 'camera-failure') {
      say(`Repairing ${name(PRIMARY)}. No automatic switch-back: it is shown as available and stays off air.`);
      const beforeRepair = studio.mark();
      if (hardware) hardware.repairPrimaryCamera();
      else await studio.command(PRIMARY, 'simulate.clear', {});
      await studio.waitForEvent(
        (e) => e.type === 'device.state' && e.agent === PRIMARY.agent && e.device === PRIMARY.device && e.data.to === 'ok',
        15_000,
        `recovery of ${name(PRIMARY)}`,
        beforeRepair,
      );
      await waitFor(() => studio.slots.get(SLOT)?.primaryAvailable === true, 2_000);
      const slot = studio.slots.get(SLOT);
      summary.primaryAvailableAfterRepair = slot?.primaryAvailable === true && slot.active?.device !== PRIMARY.device;
      say(
        `Slot ${SLOT}: active ${slot?.active ? name(slot.active) : 'none'}, primary available — switch back with: onair failover ${SLOT} --to ${name(PRIMARY)} --reason "..."`,
      );
    } else {
      summary.primaryAvailableAfterRepair = true; // nothing to repair in this scenario
    }
    await new Promise((r) => setTimeout(r, 1_000));
    say('The engineer ends the show. Its report, from the event log (onair report):');
    const { report, show } = await endShow(studio, SHOW, t0, summary);
    for (const f of show?.failovers ?? [])
      say(
        `  failover ${f.slot}: ${f.from} → ${f.to} by ${f.by}, recovered ${f.recoverMs ?? '?'} ms after the first unanswered probe${f.detectMs === null ? '' : ` (${f.detectMs} ms of it confirming the failure)`}`,
      );
    for (const c of show?.programCuts ?? [])
      say(
        `  program ${c.switcher}: ${c.cut ? `cut ${c.from} → ${c.to}` : `left on another source (${c.to} ready on preview if it held ${c.from})`}, ${c.sinceFailoverMs} ms after the failover began`,
      );
    for (const sl of show?.slots ?? [])
      if (sl.downMs + sl.degradedMs > 0) say(`  ${sl.slot}: down ${sl.downMs} ms, degraded ${sl.degradedMs} ms`);
    say(
      `  technical failure rate ${((report.technicalFailureRate ?? 0) * 100).toFixed(3)}%: ${report.downOnAirMs} ms with a slot down in ${(report.onAirMs / 1000).toFixed(1)} s on air (the 1% target is judged over a studio's hours of shows)`,
    );
    summary.ok =
      summary.activatedDevice === BACKUP &&
      summary.primaryAvailableAfterRepair &&
      (!hardware || (summary.tallies?.join() === 'cam-2' && summary.program === 'Cam 2'));
  });
}

/** A ten-minute show in studio-a, its pre-show self-tests 3 s before it goes on air by itself. */
export async function scheduleShow(studio: Studio, show: { id: string; title: string; startsAt: number; slots: string[] }): Promise<void> {
  await studio.ask('show.add', {
    ...show,
    studio: 'studio-a',
    endsAt: show.startsAt + 10 * 60_000,
    preShowMinutes: 3 / 60,
  });
}

/** A scenario's summary before anything happened: nothing failed over yet, not ok. */
export function newSummary(scenario: Scenario, slot: string, failedDevice: string): DemoSummary {
  return {
    scenario,
    slot,
    failedDevice,
    activatedDevice: null,
    detectionMs: null,
    failoverMs: null,
    totalMs: null,
    primaryAvailableAfterRepair: false,
    ok: false,
  };
}

/**
 * Runs a scenario's steps with its events narrated as they happen (`describe` picks and words them,
 * timed from the start); a step that fails ends the scenario with its reason in the summary.
 */
export async function narrated(
  studio: Studio,
  say: (line: string) => void,
  describe: (e: ControllerEvent) => string | undefined,
  summary: DemoSummary,
  steps: (t0: number) => Promise<void>,
): Promise<DemoSummary> {
  const t0 = Date.now();
  const stopNarrating = studio.onEvent((e) => {
    const line = describe(e);
    if (line) say(`[${((e.ts - t0) / 1000).toFixed(3).padStart(7)} s] ${line}`);
  });
  try {
    await steps(t0);
  } catch (err) {
    summary.error = err instanceof Error ? err.message : String(err);
  } finally {
    stopNarrating();
  }
  return summary;
}

/** The engineer ends the show; its report since the scenario began (the failure rate goes into the summary). */
export async function endShow(studio: Studio, id: string, since: number, summary: DemoSummary) {
  await studio.ask('show.stop', { id, reason: 'end of the demo show' });
  const report = await studio.ask('report', { since: since - 1_000, until: Date.now() });
  summary.failureRate = report.technicalFailureRate;
  return { report, show: report.shows.find((s) => s.show === id) };
}

/** The failover story's events in words (the other scenarios add their own before these). */
export function describeEvent(e: ControllerEvent): string | undefined {
  const who = e.agent && e.device ? deviceKey(e.agent, e.device) : e.agent;
  switch (e.type) {
    case 'device.state':
      return `${who}: ${e.data.from} → ${e.data.to.toUpperCase()}  (${e.reason ?? ''})`;
    case 'agent.offline':
    case 'agent.online':
      return `${e.agent} ${e.type === 'agent.online' ? 'online' : 'OFFLINE'} (${e.reason ?? ''})`;
    case 'failover.started':
      return `FAILOVER ${e.slot}: ${e.reason ?? ''}; trying ${e.data.candidates.join(', ')}`;
    case 'failover.succeeded':
      return `FAILOVER ${e.slot}: ${e.data.from} → ${e.data.to} confirmed active in ${e.data.durationMs} ms`;
    case 'failover.failed':
    case 'slot.down':
    case 'alarm':
      return `${e.type.toUpperCase()} ${e.slot ?? ''}: ${e.reason ?? ''}`;
    case 'program.cut':
      return e.data.cut
        ? `PROGRAM ${e.data.switcher}: cut ${e.data.from} → ${e.data.to} (${e.data.sinceFailoverMs} ms after the failover began)`
        : `program ${e.data.switcher} left on ${e.data.program}: ${e.reason ?? ''}`;
    case 'onair.changed':
      return e.data.onAir ? 'ON AIR: automatic failover armed' : 'off air';
    case 'preshow.started':
      return `pre-show self-tests for ${e.data.show}: ${e.data.devices.length} devices`;
    case 'show.started':
    case 'show.ended':
      return `show ${e.data.show} ${e.type === 'show.started' ? 'ON AIR' : 'off air'} (${e.reason ?? ''}, by ${e.by ?? '?'})`;
    case 'job.finished':
      return e.data.state === 'passed' ? undefined : `${who}: ${e.data.kind} test ${e.data.state.toUpperCase()}: ${e.reason ?? ''}`;
    default:
      return undefined;
  }
}

export async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

export function formatSummary(s: DemoSummary): string {
  const ms = (v: number | null): string => (v === null ? '—' : `${v} ms`);
  return [
    '',
    `Summary (${s.scenario}) — ${s.scenario === 'battery' ? (s.ok ? 'FLAGGED BEFORE AIR' : 'NOT FLAGGED') : s.ok ? 'FAILOVER OK' : 'FAILOVER FAILED'}`,
    `  slot               ${s.slot}`,
    `  failed device      ${s.failedDevice}`,
    // battery: nothing fails over, the checklist flags the mic before air.
    ...(s.scenario === 'battery'
      ? []
      : [
          `  activated device   ${s.activatedDevice ?? '—'}`,
          `  detection          ${ms(s.detectionMs)}  (fault → device declared failed)`,
          `  failover           ${ms(s.failoverMs)}  (declared failed → backup confirmed active)`,
          `  total              ${ms(s.totalMs)}`,
        ]),
    ...(s.preshowGo !== undefined
      ? [`  pre-show check     ${s.preshowGo ? 'GO' : 'NO-GO'}${s.backupSelfTest ? ` (backup camera self-test ${s.backupSelfTest})` : ''}`]
      : []),
    ...(s.failureRate !== undefined && s.failureRate !== null
      ? [`  failure rate       ${(s.failureRate * 100).toFixed(3)}% of the show's on-air time`]
      : []),
    ...(s.program !== undefined
      ? [
          `  program            ${s.program}${s.programCutMs === null || s.programCutMs === undefined ? '' : ` (${s.programCutMs} ms from the fault)`}`,
        ]
      : []),
    ...(s.streamOutageMs !== undefined ? [`  stream outage      ${ms(s.streamOutageMs)}  (ingest lost → backup encoder streaming)`] : []),
    ...(s.contentFault ? [`  content fault      ${s.contentFault} (the gear kept answering its control protocol)`] : []),
    ...(s.enduranceShortfall ? [`  will not last      ${s.enduranceShortfall}`] : []),
    ...(s.tallies ? [`  tally lit          ${s.tallies.join(', ') || 'none'}`] : []),
    ...(s.error ? [`  error              ${s.error}`] : []),
    '',
  ].join('\n');
}
