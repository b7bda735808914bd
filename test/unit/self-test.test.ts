import { describe, expect, it } from 'vitest';
import { systemClock } from '../../lib/clock.ts';
import { SelfTestRunner, judge } from '../../controller/plan/self-test.ts';
import type { EquipmentProfile } from '../../protocols/profile.ts';
import type { CommandResult, DeviceRef, Params } from '../../protocols/schemas.ts';

const ref: DeviceRef = { agent: 'a', device: 'mic-1' };
const step = (over: Partial<EquipmentProfile['selfTest'][number]>): EquipmentProfile['selfTest'][number] => ({
  name: 'step',
  intrusive: false,
  timeoutMs: 300,
  ...over,
});

describe('judging a reading against a self-test step', () => {
  it('wants ok by default and accepts anything at least as good as expectStatus', () => {
    expect(judge({}, 'ok', {}, [])).toBeUndefined();
    expect(judge({}, 'degraded', {}, [{ name: 'battery', status: 'degraded', detail: '1 bar' }])).toBe(
      'health is degraded, expected ok: battery: 1 bar',
    );
    expect(judge({ expectStatus: 'degraded' }, 'ok', {}, [])).toBeUndefined();
    expect(judge({ expectStatus: 'degraded' }, 'failed', {}, [])).toBe('health is failed, expected degraded');
  });

  it('checks every expectation on the metrics, and a missing metric is a failure', () => {
    const expect_ = [
      { metric: 'pan', within: { of: 10, tolerance: 0.5 } },
      { metric: 'moveStatus', equals: 'IDLE' },
    ];
    expect(judge({ expect: expect_ }, 'ok', { pan: 10.4, moveStatus: 'IDLE' }, [])).toBeUndefined();
    expect(judge({ expect: expect_ }, 'ok', { pan: 11, moveStatus: 'IDLE' }, [])).toBe('pan is 11, expected 10 ± 0.5');
    expect(judge({ expect: expect_ }, 'ok', { pan: 10, moveStatus: 'MOVING' }, [])).toBe('moveStatus is MOVING, expected IDLE');
    expect(judge({ expect: [{ metric: 'light', above: 600 }] }, 'ok', {}, [])).toBe('light was not reported');
    expect(judge({ expect: [{ metric: 'light', below: 600 }] }, 'ok', { light: 'dark' }, [])).toBe('light is dark, expected below 600');
  });
});

describe('the self-test runner', () => {
  function harness(answer: (action: string, params: Params) => Partial<CommandResult>, protectedReason?: string) {
    const sent: string[] = [];
    const runner = new SelfTestRunner({
      clock: systemClock,
      pollMs: 10,
      protectedReason: () => protectedReason,
      command: async (_ref, action, params) => {
        sent.push(action);
        return { id: 'x', device: ref.device, status: 'succeeded', ts: Date.now(), ...answer(action, params) };
      },
    });
    return { runner, sent };
  }
  const profile = (selfTest: EquipmentProfile['selfTest']) => ({ profile: 'p', version: 3, selfTest }) as EquipmentProfile;

  it('runs the action, then reads until the expectation holds', async () => {
    let muted = false;
    const { runner, sent } = harness((action) => {
      if (action === 'mute') muted = true;
      return action === 'probe' ? { data: { status: 'ok', checks: [], metrics: { muted }, ts: 1 } } : {};
    });
    const report = await runner.run(
      ref,
      profile([step({ name: 'mute', action: 'mute', intrusive: true, expect: [{ metric: 'muted', equals: true }] })]),
      { intrusive: true },
    );
    expect(report).toMatchObject({ result: 'passed', profile: 'p@3', steps: [{ name: 'mute', status: 'passed', intrusive: true }] });
    expect(sent).toEqual(['mute', 'probe']);
  });

  it('fails a step whose action fails or whose reading never comes right, and skips the rest', async () => {
    const { runner } = harness((action) =>
      action === 'probe' ? { data: { status: 'ok', checks: [], metrics: { bars: 1 }, ts: 1 } } : { status: 'failed', error: 'no answer' },
    );
    const report = await runner.run(
      ref,
      profile([step({ name: 'charged', expect: [{ metric: 'bars', above: 1 }] }), step({ name: 'mute', action: 'mute' })]),
      { intrusive: true },
    );
    expect(report.result).toBe('failed');
    expect(report.steps[0]).toMatchObject({
      status: 'failed',
      detail: expect.stringMatching(/^bars is 1, expected above 1 \(after \d+ ms\)$/),
    });
    expect(report.steps[1]).toMatchObject({ status: 'skipped', detail: 'an earlier step failed' });
    const failing = await harness(() => ({ status: 'failed', error: 'no answer' })).runner.run(
      ref,
      profile([step({ name: 'mute', action: 'mute' })]),
      { intrusive: true },
    );
    expect(failing.steps[0]).toMatchObject({ status: 'failed', detail: 'mute: failed (no answer)' });
  });

  it('never runs an intrusive step on protected gear, and says why', async () => {
    const { runner, sent } = harness(
      () => ({ data: { status: 'ok', checks: [], metrics: {}, ts: 1 } }),
      'on air: serves slot studio-a/mic',
    );
    const report = await runner.run(ref, profile([step({ name: 'answers' }), step({ name: 'mute', action: 'mute', intrusive: true })]), {
      intrusive: true,
    });
    expect(report.result).toBe('passed');
    expect(report.steps[1]).toMatchObject({ status: 'skipped', detail: 'on air: serves slot studio-a/mic' });
    expect(sent).toEqual(['probe']);
  });

  it('refuses a malformed probe answer instead of trusting it', async () => {
    const { runner } = harness(() => ({ data: { status: 'splendid' } }));
    const report = await runner.run(ref, profile([step({ name: 'answers' })]), { intrusive: false });
    expect(report.steps[0]!.detail).toMatch(/^the agent's probe answer is malformed: /);
  });

  it('reads an observe step from the helper that watches the device, and skips it without one', async () => {
    const asked: string[] = [];
    const sensor = { agent: 'b', device: 'gpio-1' };
    let lit = false;
    const runner = new SelfTestRunner({
      clock: systemClock,
      pollMs: 10,
      protectedReason: () => undefined,
      command: async (target, action, params) => {
        asked.push(`${target.device}:${action}`);
        if (action === 'set-scene') lit = params.scene === 'full';
        const metrics = target.device === 'gpio-1' ? { bright: lit } : {};
        return { id: 'x', device: target.device, status: 'succeeded', ts: 1, data: { status: 'ok', checks: [], metrics, ts: 1 } };
      },
    });
    const steps = [
      step({
        name: 'full is bright',
        action: 'set-scene',
        params: { scene: 'full' },
        observe: 'light-sensor',
        expect: [{ metric: 'bright', equals: true }],
        intrusive: true,
      }),
    ];
    const withHelper = await runner.run(ref, profile(steps), { intrusive: true, helpers: { 'light-sensor': sensor } });
    expect(withHelper.result).toBe('passed');
    expect(asked).toEqual(['mic-1:set-scene', 'gpio-1:probe']);
    const dark = [
      step({
        name: 'off is bright?',
        action: 'set-scene',
        params: { scene: 'off' },
        observe: 'light-sensor',
        expect: [{ metric: 'bright', equals: true }],
        timeoutMs: 100,
      }),
    ];
    const failing = await runner.run(ref, profile(dark), { intrusive: true, helpers: { 'light-sensor': sensor } });
    expect(failing.steps[0]!.detail).toMatch(/^b\/gpio-1 \(light-sensor\): bright is false, expected true \(after \d+ ms\)$/);
    const without = await runner.run(ref, profile(steps), { intrusive: true });
    expect(without).toMatchObject({
      result: 'passed',
      steps: [
        {
          status: 'skipped',
          detail: 'no light-sensor helper is registered for this device (onair device add … --helper light-sensor=DEVICE)',
        },
      ],
    });
  });
});
