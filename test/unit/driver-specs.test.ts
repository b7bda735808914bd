import { describe, expect, it } from 'vitest';
import { builtInDrivers } from '../../agent/drivers/index.ts';
import { DRIVER_NAMES, DRIVER_SPECS } from '../../protocols/drivers/index.ts';
import { actionProblems, stepParams } from '../../protocols/drivers/checks.ts';

describe('driver facts (protocols/drivers)', () => {
  it.each([...DRIVER_SPECS.values()].map((s) => [s.name, s] as const))('%s declares what each of its actions takes', (_, spec) => {
    expect(Object.keys(spec.actionParams).sort()).toEqual([...spec.actions].sort());
  });

  it('are the ones the agent runs (no second copy of a driver’s facts)', () => {
    for (const [name, entry] of builtInDrivers()) {
      const spec = DRIVER_SPECS.get(name)!;
      expect(entry.optionsSchema).toBe(spec.optionsSchema);
      expect(entry.actions).toBe(spec.actions);
      expect(entry.metrics).toBe(spec.metrics);
    }
  });

  it('are run by the agent under their own names, every one', () => {
    expect([...builtInDrivers().keys()].sort()).toEqual([...DRIVER_NAMES].sort());
  });

  it('make a driver a program switcher only with the failover engine’s take', () => {
    const switchers = [...DRIVER_SPECS.values()].filter((s) => s.programSource);
    expect(switchers.map((s) => s.name).sort()).toEqual(['atem', 'obs']);
    for (const spec of switchers) expect(spec.actions, spec.name).toContain('program-take');
  });

  it('check a name against the device’s options, and a misspelt parameter against the known ones', () => {
    const firmata = DRIVER_SPECS.get('firmata')!;
    expect(actionProblems(firmata, 'tally-on', { tally: 'cam-3' }, { path: '/dev/x', tallies: { 'cam-1': 12 } })).toEqual([
      'tally-on: tally "cam-3" is not one of its tallies: cam-1',
    ]);
    expect(actionProblems(firmata, 'tally-on', { taly: 'cam-1' }, { path: '/dev/x', tallies: { 'cam-1': 12 } }).sort()).toEqual([
      'tally-on: tally: is required',
      'tally-on: taly: unknown parameter (did you mean "tally"?)',
    ]);
    expect(actionProblems(firmata, 'explode', {}, {})).toEqual(['the firmata driver has no action "explode"']);
  });

  it("a unit's test parameters replace only the step's own", () => {
    expect(stepParams({ params: { preset: 1, speed: 3 } }, { preset: 'p1', other: 2 })).toEqual({ preset: 'p1', speed: 3 });
    expect(stepParams({}, { preset: 'p1' })).toEqual({});
  });
});
