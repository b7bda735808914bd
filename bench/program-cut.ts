/**
 * Program-cut latency: a camera slot on air whose members appear on OBS Studio (simulated, over its
 * real WebSocket) as scenes "A" and "B", with real agent processes and default probe settings.
 * - hung: the live camera stops answering → OBS program shows the backup's scene;
 * - crash: SIGKILL of the live camera's agent → OBS program shows the backup's scene;
 * - cut: the backup confirmed active → OBS confirmed the new program scene (the take itself).
 * Each sample swaps the roles back: the failed member is repaired (or its agent restarted) first.
 */
import { silentLogger } from '../lib/logger.ts';
import { Studio, type StudioAgent } from '../studio-harness/studio.ts';
import { ObsStudioSimulator } from '../simulators/obs-studio.ts';
import type { DeviceRef } from '../protocols/schemas.ts';
import { summarize, type Summary } from './stats.ts';

export interface ProgramCutResult {
  hungToProgramMs: Summary;
  crashToProgramMs: Summary;
  cutMs: Summary;
}

const SLOT = 'studio-a/program';
const MEMBERS: DeviceRef[] = [
  { agent: 'cam-agent-a', device: 'cam-a' },
  { agent: 'cam-agent-b', device: 'cam-b' },
];
const SCENE: Record<string, string> = { 'cam-a': 'A', 'cam-b': 'B' };

export async function measureProgramCut(samples: number): Promise<ProgramCutResult> {
  const obs = new ObsStudioSimulator({ scenes: ['A', 'B', 'Wide'] });
  const port = await obs.listen(0);
  const agents: StudioAgent[] = [
    ...MEMBERS.map((m) => ({ id: m.agent, devices: [{ id: m.device, kind: 'camera' as const }] })),
    {
      id: 'switcher-agent',
      devices: [{ id: 'obs', kind: 'switcher' as const, profile: 'obs-studio-30-switcher', options: { host: '127.0.0.1', port } }],
    },
  ];
  const slots = [
    {
      id: SLOT,
      primary: 'cam-agent-a/cam-a',
      backups: ['cam-agent-b/cam-b'],
      params: { preset: 1 },
      program: { 'cam-agent-a/cam-a': 'switcher-agent/obs#scene:A', 'cam-agent-b/cam-b': 'switcher-agent/obs#scene:B' },
    },
  ];
  // Repairs are not measured: a short recoverAfterMs lets the next sample start sooner.
  const studio = new Studio({ log: silentLogger(), agents, slots, controller: { onAir: true, detection: { recoverAfterMs: 300 } } });
  const hung: number[] = [];
  const crash: number[] = [];
  const cut: number[] = [];
  try {
    await studio.start();
    await studio.waitForDevices([...MEMBERS, { agent: 'switcher-agent', device: 'obs' }], 60_000);
    const live = (): DeviceRef => studio.slots.get(SLOT)?.active ?? MEMBERS[0]!;
    obs.state.program = SCENE[live().device]!;

    for (let i = 0; i < samples * 2; i += 1) {
      const victim = live();
      const backup = MEMBERS.find((m) => m.device !== victim.device)!;
      const mark = studio.mark();
      const byCrash = i % 2 === 1;
      let injectedAt = Date.now();
      if (byCrash) studio.agentProcess(victim.agent)!.kill('SIGKILL');
      else injectedAt = (await studio.command(victim, 'simulate.fault', { mode: 'dead' })).ts; // when the camera hung
      const done = await studio.waitForEvent(
        (e) => e.type === 'failover.succeeded' && e.slot === SLOT,
        5_000,
        `failover from ${victim.device}`,
        mark,
      );
      const taken = await studio.waitForEvent(
        (e) => e.type === 'program.cut' && e.slot === SLOT,
        5_000,
        `program cut to ${backup.device}`,
        mark,
      );
      if (obs.state.program !== SCENE[backup.device])
        throw new Error(`OBS shows ${obs.state.program}, not the backup's scene ${SCENE[backup.device]}`);
      (byCrash ? crash : hung).push(obs.state.programChangedAt - injectedAt);
      cut.push(taken.ts - done.ts);
      // Repair the victim and wait until it is ready to be the backup again.
      if (byCrash) studio.spawnAgent(agents.find((a) => a.id === victim.agent)!);
      else await studio.command(victim, 'simulate.clear', {});
      await studio.waitForDevices([victim], 20_000);
      await new Promise((r) => setTimeout(r, 150 + Math.random() * 250));
    }
    return { hungToProgramMs: summarize(hung), crashToProgramMs: summarize(crash), cutMs: summarize(cut) };
  } finally {
    await studio.stop();
    await obs.stop();
  }
}
