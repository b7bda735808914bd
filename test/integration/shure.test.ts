/** The shure driver against the ULX-D receiver simulator, over TCP on loopback and over a pty. */
import { beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.ts';
import { withTimeout } from '../../lib/timeout.ts';
import { createPtyPair } from '../../lib/serial/pty-pair.ts';
import { createShureDriver, type ShureOptions } from '../../agent/drivers/shure/driver.ts';
import type { Driver } from '../../agent/driver.ts';
import { ShureReceiverSimulator } from '../../simulators/shure-receiver.ts';
import { cleanupAfterEach, eventually } from './helpers.ts';
import { memoryKeptState } from '../../agent/kept-state.ts';

const defaults: Omit<ShureOptions, 'host' | 'path'> = {
  port: 2202,
  baudRate: 9600,
  channel: 1,
  answerTimeoutMs: 150,
  meterRateMs: 100,
  reconnectAfterMissed: 3,
  lowBatteryBars: 1,
  lowRunTimeMinutes: 30,
  weakRfDbm: -85,
  muteControl: true,
};

const cleanup = cleanupAfterEach();
let receiver: ShureReceiverSimulator;
let driver: Driver;
const probe = (ms = 500) => withTimeout('probe', ms, (signal) => driver.probe(signal));
const act = (action: string, params: Record<string, unknown> = {}) =>
  withTimeout(action, 1_000, (signal) => driver.execute(action, params, signal));

describe('shure driver over TCP', () => {
  beforeEach(async () => {
    receiver = new ShureReceiverSimulator({ channels: 2 });
    const port = await receiver.listen(0);
    cleanup.defer(() => receiver.stop());
    driver = createShureDriver().create({
      state: memoryKeptState(),
      deviceId: 'mic-1',
      log: silentLogger(),
      options: { ...defaults, host: '127.0.0.1', port, channel: 2 },
    });
    cleanup.defer(() => driver.close());
    await driver.connect(AbortSignal.timeout(2_000));
  });

  it('reports transmitter, battery, gain and metered RF for its channel', async () => {
    await eventually(async () => (await probe()).metrics.rfDbm !== undefined, 2_000, 'a SAMPLE');
    const health = await probe();
    expect(health.status).toBe('ok');
    expect(health.metrics).toMatchObject({
      transmitter: 'ULXD2',
      batteryBars: 5,
      batteryMinutes: 480,
      muted: false,
      gainDb: 0,
      interference: 'NONE',
      rfDbm: -55,
      audioDbfs: -20,
    });
  });

  it('turns what the receiver pushes into health: low battery, interference, weak RF, no transmitter', async () => {
    await probe();
    receiver.update(2, { batteryBars: 1 });
    await eventually(async () => (await probe()).status === 'degraded', 1_000, 'low battery degrades');
    expect((await probe()).checks.find((c) => c.name === 'battery')?.detail).toBe('battery at 1 of 5 bars');
    receiver.update(2, { batteryBars: 5, interference: 'CRITICAL' });
    await eventually(async () => (await probe()).checks.some((c) => c.detail === 'RF interference: CRITICAL'), 1_000, 'interference');
    receiver.update(2, { interference: 'NONE', rfDbm: -92 });
    await eventually(async () => (await probe()).checks.some((c) => c.detail === 'RF at -92 dBm (below -85 dBm)'), 1_000, 'weak RF');
    receiver.update(2, { rfDbm: -55, txType: 'UNKN' });
    await eventually(async () => (await probe()).status === 'failed', 1_000, 'no transmitter fails');
    expect(receiver.channels[0]!.batteryBars).toBe(5); // the other channel is untouched
  });

  it('mutes, unmutes and sets gain, confirmed by the receiver’s REP', async () => {
    await expect(act('mute')).resolves.toEqual({ data: { muted: true } });
    expect(receiver.channels[1]!.muted).toBe(true);
    await expect(act('activate')).resolves.toEqual({ data: { muted: false } });
    await expect(act('standby')).resolves.toEqual({ data: { muted: true } });
    await expect(act('unmute')).resolves.toEqual({ data: { muted: false } });
    await expect(act('set-gain', { gain: 12 })).resolves.toEqual({ data: { gainDb: 12 } });
    expect(receiver.channels[1]!.gainRaw).toBe(30);
    await expect(act('set-gain', { gain: 50 })).rejects.toThrow('gain must be a whole number of dB from -18 to 42');
    receiver.setFault('protocol-error');
    await expect(act('mute')).rejects.toThrow('receiver answered REP ERR to "< SET 2 AUDIO_MUTE ON >" (bad format or value out of range)');
  });

  it('copes with garbage between messages', async () => {
    receiver.setFault('garbage');
    for (let i = 0; i < 3; i += 1) expect((await probe()).status).toBe('ok');
    expect(Number((await probe()).metrics.garbageBytesPerMin)).toBeGreaterThan(0);
  });

  it('detects a receiver that stops answering with its socket open, and reconnects', async () => {
    await probe();
    const before = receiver.connections;
    receiver.setFault('dead');
    for (let i = 0; i < 3; i += 1) await expect(probe(300)).rejects.toThrow(/did not answer/);
    receiver.setFault('none');
    await eventually(async () => receiver.connections > before && (await probe()).status === 'ok', 3_000, 'a fresh connection');
  });

  it('reconnects by itself after the receiver drops the connection and comes back', async () => {
    await probe();
    receiver.disconnect(400);
    await eventually(async () => (await probe()).status === 'offline', 1_000, 'offline');
    await eventually(async () => (await probe()).status === 'ok', 4_000, 'back');
  });
});

describe('shure driver over a serial line', () => {
  it('works the same over RS-232 (a pty pair)', async () => {
    const pair = await createPtyPair();
    cleanup.defer(() => pair.close());
    receiver = new ShureReceiverSimulator();
    cleanup.defer(() => receiver.stop());
    await receiver.openSerial(pair.b);
    driver = createShureDriver().create({
      state: memoryKeptState(),
      deviceId: 'mic-1',
      log: silentLogger(),
      options: { ...defaults, path: pair.a },
    });
    cleanup.defer(() => driver.close());
    await driver.connect(AbortSignal.timeout(2_000));
    await eventually(async () => (await probe()).metrics.transmitter === 'ULXD2', 2_000, 'state over serial');
    await expect(act('mute')).resolves.toEqual({ data: { muted: true } });
  });
});

describe('shure driver with a QLX-D (no AUDIO_MUTE)', () => {
  beforeEach(async () => {
    receiver = new ShureReceiverSimulator({ model: 'QLXD4' });
    const port = await receiver.listen(0);
    cleanup.defer(() => receiver.stop());
    driver = createShureDriver().create({
      state: memoryKeptState(),
      deviceId: 'mic-q',
      log: silentLogger(),
      options: { ...defaults, host: '127.0.0.1', port, muteControl: false },
    });
    cleanup.defer(() => driver.close());
    await driver.connect(AbortSignal.timeout(2_000));
  });

  it('as a backup it is ready when it answers; mute is refused with the reason, never sent', async () => {
    await eventually(async () => (await probe()).status === 'ok', 2_000, 'healthy');
    await expect(act('activate')).resolves.toEqual({ data: { ready: true } });
    await expect(act('standby')).resolves.toEqual({ data: { ready: true } });
    await expect(act('mute')).rejects.toThrow('this receiver has no mute control (muteControl: false, e.g. QLX-D): mute it at the mixer');
  });

  it("a driver that assumed mute control gets the receiver's REP ERR, as from the real QLX-D", async () => {
    const assuming = createShureDriver().create({
      state: memoryKeptState(),
      deviceId: 'mic-q2',
      log: silentLogger(),
      options: { ...defaults, host: '127.0.0.1', port: receiver.port, muteControl: true },
    });
    cleanup.defer(() => assuming.close());
    await assuming.connect(AbortSignal.timeout(2_000));
    await expect(withTimeout('activate', 1_000, (signal) => assuming.execute('activate', {}, signal))).rejects.toThrow(/REP ERR/);
  });
});
