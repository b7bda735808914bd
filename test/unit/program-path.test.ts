import { describe, expect, it } from 'vitest';
import { ProgramPath } from '../../controller/failover/program-path.ts';
import { ManualClock } from '../../lib/clock.ts';
import { silentLogger } from '../../lib/logger.ts';
import type { SlotDefinition } from '../../protocols/registry-operations.ts';
import type { DeviceHealth, DeviceRef } from '../../protocols/schemas.ts';

const ref = (agent: string, device: string): DeviceRef => ({ agent, device });
const health = (metrics: DeviceHealth['metrics'], status: DeviceHealth['status'] = 'ok'): DeviceHealth => ({
  status,
  checks: [],
  metrics,
  consecutiveFailures: 0,
  ts: 0,
  seq: 0,
  session: 1,
  driver: 'x',
});
const slot = (switcher: DeviceRef, a: string, b: string): SlotDefinition => ({
  id: 'studio-a/cam',
  primary: ref('a', 'cam-1'),
  backups: [ref('a', 'cam-2')],
  params: {},
  tallies: [],
  program: [
    { member: ref('a', 'cam-1'), switcher, source: a },
    { member: ref('a', 'cam-2'), switcher, source: b },
  ],
});

function path(live: (s: DeviceRef) => DeviceRef = (s) => s) {
  const changed: string[] = [];
  const sent: Array<{ device: string; params: unknown }> = [];
  const p = new ProgramPath({
    clock: new ManualClock(0),
    log: silentLogger(),
    command: async (ref, _action, params) => (
      sent.push({ device: ref.device, params }),
      { id: '-', device: ref.device, status: 'succeeded', ts: 0, data: { cut: true } }
    ),
    record: () => undefined,
    liveSwitcher: live,
    onProgramChanged: (s) => void changed.push(s.device),
  });
  return { p, changed, sent };
}

describe('program path: what the program shows, from the switcher’s health', () => {
  it('OBS: the program scene; a change is told once; offline is unknown', () => {
    const { p, changed } = path();
    const def = slot(ref('a', 'obs'), 'scene:Cam 1', 'scene:Cam 2');
    expect(p.showsOnProgram(def, ref('a', 'cam-1')), 'no reading yet').toBeUndefined();
    p.noteHealth('a', 'obs', health({ programScene: 'Cam 1', activeFps: 30 }));
    p.noteHealth('a', 'obs', health({ programScene: 'Cam 1', activeFps: 29 }));
    expect(changed).toEqual(['obs']);
    expect(p.showsOnProgram(def, ref('a', 'cam-1'))).toBe(true);
    expect(p.showsOnProgram(def, ref('a', 'cam-2'))).toBe(false);
    expect(p.showsOnProgram(def, ref('a', 'cam-9')), 'not mapped').toBeUndefined();
    p.noteHealth('a', 'obs', health({}, 'offline'));
    expect(p.showsOnProgram(def, ref('a', 'cam-1'))).toBeUndefined();
    expect(changed).toEqual(['obs', 'obs']);
    p.noteHealth('a', 'cam-1', health({ zoom: 3 })); // not a switcher: nothing to do
    expect(changed).toHaveLength(2);
  });

  it('ATEM: inputs per M/E, compared by meaning (input:3 is me:1/input:3)', () => {
    const { p } = path();
    const def = slot(ref('a', 'atem'), 'me:1/input:3', 'me:2/input:4');
    p.noteHealth('a', 'atem', health({ programInput: 3, 'programInputMe.2': 4 }));
    expect(p.showsOnProgram(def, ref('a', 'cam-1'))).toBe(true);
    expect(p.showsOnProgram(def, ref('a', 'cam-2'))).toBe(true);
    p.noteHealth('a', 'atem', health({ programInput: 1, 'programInputMe.2': 4 }));
    expect(p.showsOnProgram(def, ref('a', 'cam-1'))).toBe(false);
  });

  it('reads the program of the switcher live for the mapping (its switcher slot’s backup)', () => {
    const { p } = path(() => ref('b', 'obs-2'));
    const def = slot(ref('a', 'obs'), 'scene:Cam 1', 'scene:Cam 2');
    p.noteHealth('a', 'obs', health({ programScene: 'Cam 1' }));
    p.noteHealth('b', 'obs-2', health({ programScene: 'Cam 2' }));
    expect(p.showsOnProgram(def, ref('a', 'cam-2'))).toBe(true);
    expect(p.showsOnProgram(def, ref('a', 'cam-1'))).toBe(false);
  });

  it('reconciles: takes the live member only while the program shows a failed one, one take at a time', async () => {
    const { p, sent } = path();
    const def = slot(ref('a', 'obs'), 'scene:Cam 1', 'scene:Cam 2');
    const failed = (r: DeviceRef) => r.device === 'cam-1';
    p.reconcile(def, ref('a', 'cam-2'), failed);
    expect(sent, 'program not known: nothing').toEqual([]);
    p.noteHealth('a', 'obs', health({ programScene: 'Slides' }));
    p.reconcile(def, ref('a', 'cam-2'), failed);
    expect(sent, 'the director is elsewhere').toEqual([]);
    p.noteHealth('a', 'obs', health({ programScene: 'Cam 1' }));
    p.reconcile(def, ref('a', 'cam-2'), () => false);
    expect(sent, 'cam-1 is not failed').toEqual([]);
    p.reconcile(def, ref('a', 'cam-2'), failed);
    p.reconcile(def, ref('a', 'cam-2'), failed);
    expect(sent).toEqual([{ device: 'obs', params: { to: 'scene:Cam 2', from: 'scene:Cam 1' } }]);
    await p.settled();
  });
});
