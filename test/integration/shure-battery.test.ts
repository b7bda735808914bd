/**
 * The Shure receiver simulator's battery run time, read through the shure driver over TCP: it counts
 * down in real time in steps (the receiver re-estimates it now and then), and a fresh battery reads
 * 65534 "calculating" first, which the driver reports as no run time at all.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.ts';
import { withTimeout } from '../../lib/timeout.ts';
import { createShureDriver } from '../../agent/drivers/shure/driver.ts';
import { memoryKeptState } from '../../agent/kept-state.ts';
import { ShureReceiverSimulator } from '../../simulators/shure-receiver.ts';
import { cleanupAfterEach, eventually } from './helpers.ts';

const cleanup = cleanupAfterEach();

describe('the Shure simulator’s battery run time', () => {
  it('counts down in steps, and a new battery is "calculating" before its minutes', async () => {
    // A minute of battery lasts 50 ms here; the receiver re-estimates every 100 ms: two minutes a step.
    const receiver = new ShureReceiverSimulator({ minuteMs: 50, runTimeStepMs: 100 });
    const port = await receiver.listen(0);
    cleanup.defer(() => receiver.stop());
    const driver = createShureDriver().create({
      state: memoryKeptState(),
      deviceId: 'mic-1',
      log: silentLogger(),
      options: {
        host: '127.0.0.1',
        port,
        baudRate: 9600,
        channel: 1,
        answerTimeoutMs: 150,
        meterRateMs: 0,
        reconnectAfterMissed: 3,
        lowBatteryBars: 1,
        lowRunTimeMinutes: 30,
        weakRfDbm: -85,
        muteControl: true,
      },
    });
    cleanup.defer(() => driver.close());
    await driver.connect(AbortSignal.timeout(2_000));
    const minutes = async () => (await withTimeout('probe', 500, (signal) => driver.probe(signal))).metrics.batteryMinutes;

    receiver.setBattery(1, 42);
    await eventually(async () => (await minutes()) === 42, 2_000, '42 min');
    const seen = new Set<number>();
    await eventually(
      async () => {
        const m = await minutes();
        if (typeof m === 'number') seen.add(m);
        return typeof m === 'number' && m <= 36;
      },
      5_000,
      'the run time counting down',
    );
    expect(Math.min(...seen)).toBeLessThanOrEqual(36);
    expect(seen.size).toBeLessThan(42 - 36 + 1); // it jumps: not every minute is seen

    receiver.setBattery(1, 480, { calculatingMs: 400 });
    await eventually(async () => (await minutes()) === undefined, 1_000, 'calculating (65534): no run time');
    expect(receiver.channels[0]!.runTimeMinutes).toBe(65534);
    await eventually(async () => Number((await minutes()) ?? 0) > 400, 3_000, 'the new battery’s minutes');
  });
});
