/**
 * Failover latency with real agent processes and default probe settings:
 * - crash: SIGKILL of a primary's agent process → backup confirmed active;
 * - hung: a primary stops answering (no reply at all) → backup confirmed active.
 * One backup agent carries a backup for every slot.
 */
import { readFileSync } from 'node:fs';
import { silentLogger } from '../lib/logger.ts';
import { Studio, type StudioAgent } from '../studio-harness/studio.ts';
import { summarize, type Summary } from './stats.ts';
import { refName } from '../protocols/device-ref.ts';

export interface FailoverSettings {
  crashSamples: number;
  hungSamples: number;
  /** Devices per primary agent; the first one's RSS is measured. */
  devicesOnMeasuredAgent: number;
}

export interface FailoverResult {
  crashToActiveMs: Summary;
  hungToActiveMs: Summary;
  hungDetectionMs: Summary;
  agentRssMb: number;
  agentDevices: number;
}

export async function measureFailover(s: FailoverSettings): Promise<FailoverResult> {
  const perAgent = s.devicesOnMeasuredAgent;
  const hungCams = Array.from({ length: Math.max(s.hungSamples, perAgent) }, (_, i) => ({
    agent: `primaries-${Math.floor(i / perAgent)}`,
    device: `hung-cam-${i}`,
  }));
  const crashAgents = Array.from({ length: s.crashSamples }, (_, i) => `crash-agent-${i}`);
  const primaryAgents = [...new Set(hungCams.map((c) => c.agent))];
  const agents: StudioAgent[] = [
    ...primaryAgents.map((id) => ({
      id,
      devices: hungCams.filter((c) => c.agent === id).map((c) => ({ id: c.device, kind: 'camera' as const })),
    })),
    ...crashAgents.map((id) => ({ id, devices: [{ id: 'cam', kind: 'camera' as const }] })),
    {
      id: 'backups',
      devices: [
        ...hungCams.map((c) => ({ id: `backup-${c.device}`, kind: 'camera' as const })),
        ...crashAgents.map((id) => ({ id: `backup-${id}`, kind: 'camera' as const })),
      ],
    },
  ];
  const slots = [
    ...hungCams.map((c) => ({
      id: `hung/${c.device}`,
      primary: refName(c),
      backups: [`backups/backup-${c.device}`],
      params: { preset: 1 },
    })),
    ...crashAgents.map((id) => ({ id: `crash/${id}`, primary: `${id}/cam`, backups: [`backups/backup-${id}`], params: { preset: 1 } })),
  ];
  const studio = new Studio({ log: silentLogger(), agents, slots, controller: { onAir: true } });
  try {
    await studio.start();
    const everything = agents.flatMap((a) => a.devices.map((d) => ({ agent: a.id, device: d.id })));
    await studio.waitForDevices(everything, 60_000);
    await new Promise((r) => setTimeout(r, 1_000));
    const measuredPid = studio.agentProcess('primaries-0')!.pid!;
    const rssAtStart = rssMb(measuredPid);

    const crash: number[] = [];
    for (const agentId of crashAgents) {
      const mark = studio.mark();
      const killedAt = Date.now();
      studio.agentProcess(agentId)!.kill('SIGKILL');
      const done = await studio.waitForEvent(
        (e) => e.type === 'failover.succeeded' && e.slot === `crash/${agentId}`,
        5_000,
        `failover of crash/${agentId}`,
        mark,
      );
      crash.push(done.ts - killedAt);
      await pause();
    }

    const hung: number[] = [];
    const detection: number[] = [];
    for (const cam of hungCams.slice(0, s.hungSamples)) {
      const mark = studio.mark();
      const injected = await studio.command(cam, 'simulate.fault', { mode: 'dead' });
      const failed = await studio.waitForEvent(
        (e) => e.type === 'device.state' && e.device === cam.device && e.data.to === 'failed',
        5_000,
        `failure of ${cam.device}`,
        mark,
      );
      const done = await studio.waitForEvent(
        (e) => e.type === 'failover.succeeded' && e.slot === `hung/${cam.device}`,
        5_000,
        `failover of hung/${cam.device}`,
        mark,
      );
      detection.push(failed.ts - injected.ts);
      hung.push(done.ts - injected.ts);
      await pause();
    }
    // The larger of two samples: after start-up, and after the run (its devices hung one by one).
    const agentRssMb = Math.max(rssAtStart, rssMb(measuredPid));
    return {
      crashToActiveMs: summarize(crash),
      hungToActiveMs: summarize(hung),
      hungDetectionMs: summarize(detection),
      agentRssMb,
      agentDevices: perAgent,
    };
  } finally {
    await studio.stop();
  }
}

/** Injections start at a random phase of the probe cycle, as real faults do. */
const pause = () => new Promise((r) => setTimeout(r, 100 + Math.random() * 250));

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round((kb / 1024) * 10) / 10;
}
