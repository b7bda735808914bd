import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../lib/clock.ts';
import { silentLogger } from '../../lib/logger.ts';
import { DeviceRunner, type HealthReport } from '../../agent/device-runner.ts';
import type { Driver, ProbeResult } from '../../agent/driver.ts';
import type { HealthRule } from '../../protocols/profile.ts';

const healthy: ProbeResult = { status: 'ok', checks: [{ name: 'ping', status: 'ok', latencyMs: 1 }], metrics: {} };

function runner(driver: Partial<Driver>, rules: HealthRule[] = [], stateMetrics?: string[], probeTimeoutMs = 50) {
  const published: HealthReport[] = [];
  const full: Driver = {
    connect: async () => {},
    probe: async () => healthy,
    execute: async () => ({}),
    close: async () => {},
    ...driver,
  };
  const r = new DeviceRunner({
    deviceId: 'cam-1',
    driverName: 'test',
    driver: full,
    probeIntervalMs: 100,
    probeTimeoutMs,
    connectTimeoutMs: 50,
    actionTimeoutMs: 50,
    healthIntervalMs: 1_000,
    rules,
    ...(stateMetrics ? { stateMetrics } : {}),
    clock: systemClock, // Date is faked by vi.useFakeTimers
    log: silentLogger(),
    publish: (h) => published.push(h),
  });
  return { r, published };
}

describe('device runner', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('publishes on change and then only at the steady interval', async () => {
    const { r, published } = runner({});
    r.start();
    await vi.advanceTimersByTimeAsync(950);
    expect(published).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(published).toHaveLength(2);
    expect(published.map((h) => h.seq)).toEqual([0, 1]);
    expect(published.every((h) => h.failingForMs === undefined)).toBe(true);
    await r.stop();
  });

  it('publishes a change of a state metric at the probe that saw it; other metrics wait for the interval', async () => {
    let program = 'Cam 1';
    let fps = 30;
    const { r, published } = runner(
      { probe: async () => ({ ...healthy, metrics: { programScene: program, activeFps: fps, 'programInputMe.2': 1 } }) },
      [],
      ['programScene', 'programInputMe.*'],
    );
    r.start();
    await vi.advanceTimersByTimeAsync(150);
    expect(published).toHaveLength(1);
    fps = 29;
    await vi.advanceTimersByTimeAsync(200);
    expect(published, 'a number that moves is no state').toHaveLength(1);
    program = 'Cam 2';
    await vi.advanceTimersByTimeAsync(100);
    expect(published).toHaveLength(2);
    expect(published[1]!.metrics.programScene).toBe('Cam 2');
    await vi.advanceTimersByTimeAsync(200);
    expect(published, 'published once, not again while it stays').toHaveLength(2);
    await r.stop();
  });

  it('a driver that hangs and ignores its abort signal makes the device failed, probe after probe', async () => {
    const { r, published } = runner({ probe: () => new Promise<ProbeResult>(() => {}) });
    r.start();
    await vi.advanceTimersByTimeAsync(360);
    expect(published.map((h) => [h.status, h.consecutiveFailures])).toEqual([
      ['failed', 1],
      ['failed', 2],
      ['failed', 3],
      ['failed', 4],
    ]);
    expect(published[0]!.checks[0]!.detail).toBe('probe of cam-1 timed out after 50 ms');
    expect(published[1]!.checks[0]!.detail).toBe('previous probe still has no answer (device hung)');
    // Dated from the hung probe's start, as a duration (the controller's clock may differ from ours).
    expect(published.map((h) => h.failingForMs)).toEqual([50, 100, 200, 300]);
    await r.stop();
  });

  it("a probe slower than the interval but within its deadline is not counted failed: the driver's own reason is what the engineer reads", async () => {
    // The driver gives up after 250 ms with its own reason (an ATEM's unacknowledged time request), ignoring the signal.
    const own = () =>
      new Promise<ProbeResult>((_, reject) =>
        setTimeout(() => reject(new Error('time request: the ATEM did not acknowledge within 250 ms')), 250),
      );
    const { r, published } = runner({ probe: own }, [], undefined, 500);
    r.start();
    await vi.advanceTimersByTimeAsync(560);
    expect(published[0]!.checks[0]!.detail).toBe('time request: the ATEM did not acknowledge within 250 ms');
    expect(published.map((h) => h.checks[0]!.detail)).not.toContain('previous probe still has no answer (device hung)');
    expect(published.map((h) => h.consecutiveFailures)).toEqual([1, 2]);
    await r.stop();
  });

  it('drops metrics a driver got wrong instead of refusing the whole report', async () => {
    const { r, published } = runner({
      probe: async () => ({ ...healthy, metrics: { ok: 1, missing: undefined as unknown as number, nan: Number.NaN, text: 'x' } }),
    });
    r.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(published[0]!.metrics).toEqual({ ok: 1, text: 'x' });
    await r.stop();
  });

  it('a driver that throws synchronously is a failed probe, not a crash', async () => {
    const { r, published } = runner({
      probe: () => {
        throw new Error('boom');
      },
    });
    r.start();
    await vi.advanceTimersByTimeAsync(150);
    expect(published[0]).toMatchObject({ status: 'failed', checks: [{ detail: 'boom' }] });
    await r.stop();
  });

  it('a device that cannot connect is offline and retried with backoff', async () => {
    let attempts = 0;
    const { r, published } = runner({
      connect: async () => {
        attempts += 1;
        throw new Error('ECONNREFUSED');
      },
    });
    r.start();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(published[0]).toMatchObject({ status: 'offline', checks: [{ name: 'connect', detail: 'ECONNREFUSED' }] });
    expect(attempts).toBeGreaterThan(1);
    expect(attempts).toBeLessThan(10); // backoff, not every 100 ms tick
    await r.stop();
  });

  it('keeps reconnecting a device that accepts the connection but stays hung, with backoff', async () => {
    let connects = 0;
    let closes = 0;
    const { r } = runner({
      connect: async () => void (connects += 1),
      close: async () => void (closes += 1),
      probe: () => Promise.reject(new Error('no answer')),
    });
    r.start();
    await vi.advanceTimersByTimeAsync(60_000);
    // 8 failed probes (0.8 s) then a reconnect, again and again: not once and then never again.
    expect(closes).toBeGreaterThan(3);
    expect(connects - closes).toBeGreaterThanOrEqual(0); // each close is followed by a connect (the last may be pending)
    expect(connects - closes).toBeLessThanOrEqual(1);
    // A connect that works is not a device that works: the pause between attempts still grows.
    expect(closes).toBeLessThan(30);
    await r.stop();
  });

  it('does not reconnect a device whose gear answers while its content fails (a reconnect cannot mend black, and would restart its watch)', async () => {
    let closes = 0;
    let picture: 'failed' | 'ok' = 'failed';
    const { r, published } = runner({
      close: async () => void (closes += 1),
      probe: async () => ({
        status: picture,
        checks: [...healthy.checks, { name: 'picture', status: picture, latencyMs: 0, detail: 'black for 2.4 s' }],
        metrics: {},
      }),
    });
    r.start();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(closes, 'fifty failed probes, all of them content').toBe(0);
    expect(published.at(-1)).toMatchObject({ status: 'failed', consecutiveFailures: 50 });
    picture = 'ok';
    await vi.advanceTimersByTimeAsync(200);
    expect(published.at(-1)!.status).toBe('ok');
    await r.stop();
  });

  it('bounds an action that hangs with its deadline', async () => {
    const { r } = runner({ execute: () => new Promise(() => {}) });
    r.start();
    await vi.advanceTimersByTimeAsync(10);
    const pending = r.execute('activate', {});
    const outcome = expect(pending).rejects.toThrow('activate on cam-1 timed out after 50 ms');
    await vi.advanceTimersByTimeAsync(60);
    await outcome;
    await r.stop();
  });

  it('a device asked for something during its reconnect pause tries to connect at once (a repaired device passes its retried self-test)', async () => {
    let broken = true;
    let connects = 0;
    let closes = 0;
    const { r } = runner({
      connect: async () => void (connects += 1),
      close: async () => void (closes += 1),
      probe: () => (broken ? Promise.reject(new Error('no answer')) : Promise.resolve(healthy)),
    });
    r.start();
    await vi.advanceTimersByTimeAsync(20_000); // reconnected several times: its pause between attempts has grown to seconds
    const closed = closes;
    for (let i = 0; i < 100 && closes === closed; i += 1) await vi.advanceTimersByTimeAsync(100);
    expect(closes, 'closed again: now in its reconnect pause').toBe(closed + 1);
    broken = false; // repaired
    const before = connects;
    await expect(r.freshHealth()).rejects.toThrow('not connected');
    await vi.advanceTimersByTimeAsync(10);
    expect(connects, 'connected on being asked, not after the backoff').toBe(before + 1);
    const fresh = r.freshHealth();
    await vi.advanceTimersByTimeAsync(200);
    await expect(fresh).resolves.toMatchObject({ status: 'ok' });
    await r.stop();
  });

  it('refuses actions before the device is connected', async () => {
    const { r } = runner({ connect: () => new Promise(() => {}) });
    r.start();
    await expect(r.execute('activate', {})).rejects.toThrow('device cam-1 is not connected');
    await r.stop();
  });

  it("applies the profile's health rules to the driver's metrics, and takes new rules without reconnecting", async () => {
    let bars = 1;
    let connects = 0;
    const hot: HealthRule = { metric: 'batteryBars', below: 2, status: 'degraded', kind: 'fault', message: 'battery at {value} of 5 bars' };
    const { r, published } = runner(
      { connect: async () => void (connects += 1), probe: async () => ({ ...healthy, metrics: { batteryBars: bars } }) },
      [hot],
    );
    r.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(published.at(-1)).toMatchObject({
      status: 'degraded',
      checks: [{ name: 'ping' }, { name: 'batteryBars', status: 'degraded', detail: 'battery at 1 of 5 bars' }],
    });
    bars = 4;
    await vi.advanceTimersByTimeAsync(100);
    expect(published.at(-1)).toMatchObject({ status: 'ok', checks: [{ name: 'ping' }] });
    r.setRules([{ ...hot, below: 5, status: 'failed' }]);
    await vi.advanceTimersByTimeAsync(100);
    expect(published.at(-1)).toMatchObject({ status: 'failed' });
    expect(connects).toBe(1);
    await r.stop();
  });

  it('a fresh reading comes from a probe started after the request, not the one already running', async () => {
    let level = 0;
    let release: (() => void) | undefined;
    const { r } = runner({
      probe: async () => {
        const seen = level;
        await new Promise<void>((resolve) => (release = resolve));
        return { ...healthy, metrics: { level: seen } };
      },
    });
    r.start();
    await vi.advanceTimersByTimeAsync(1); // the first probe is running and saw level 0
    level = 100; // an action changed the device
    const fresh = r.freshHealth();
    release!(); // the old probe answers (level 0): not fresh enough
    await vi.advanceTimersByTimeAsync(100); // the next tick starts a new probe
    release!();
    await expect(fresh).resolves.toMatchObject({ metrics: { level: 100 } });
    await r.stop();
  });
});
