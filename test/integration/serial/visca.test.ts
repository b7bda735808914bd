/** The visca driver against the VISCA camera simulator over a real pty pair. */
import { beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../lib/logger.ts';
import { withTimeout } from '../../../lib/timeout.ts';
import { createPtyPair, type PtyPair } from '../../../lib/serial/pty-pair.ts';
import { createViscaDriver } from '../../../agent/drivers/visca/driver.ts';
import type { Driver } from '../../../agent/driver.ts';
import { ViscaCameraSimulator } from '../../../simulators/visca-camera.ts';
import { cleanupAfterEach, eventually } from '../helpers.ts';
import { memoryKeptState } from '../../../agent/kept-state.ts';

const cleanup = cleanupAfterEach();
let pair: PtyPair;
let camera: ViscaCameraSimulator;
let driver: Driver;

// The camera's answer deadline is a real camera's (it ACKs within ~10 ms) with room for a loaded machine:
// at 150 ms the garbage test's probe missed it once with the suite sharing 2 cores.
const probe = (ms = 1_500) => withTimeout('probe', ms, (signal) => driver.probe(signal));
const act = (action: string, params: Record<string, unknown> = {}, ms = 3_000) =>
  withTimeout(action, ms, (signal) => driver.execute(action, params, signal));

beforeEach(async () => {
  pair = await createPtyPair();
  cleanup.defer(() => pair.close());
  camera = new ViscaCameraSimulator({ path: pair.b, moveMs: 100, powerOnMs: 150 });
  cleanup.defer(() => camera.stop());
  await camera.start();
  driver = createViscaDriver().create({
    state: memoryKeptState(),
    deviceId: 'ptz-1',
    log: silentLogger(),
    options: { path: pair.a, baudRate: 9600, address: 1, answerTimeoutMs: 400, moveTimeoutMs: 2_000, powerTimeoutMs: 2_000 },
  });
  cleanup.defer(() => driver.close());
  await driver.connect(AbortSignal.timeout(2_000));
});

describe('visca driver over a pty', () => {
  it('reports health from CAM_PowerInq and CAM_VersionInq', async () => {
    const health = await probe();
    expect(health.status).toBe('ok');
    expect(health.metrics).toMatchObject({ power: 'on', vendorId: '0020', modelId: '0467', romRevision: '0110' });
    expect(camera.received.map((p) => p.toString('hex'))).toEqual(['81090400ff', '81090002ff']);
    await probe();
    expect(camera.received).toHaveLength(3); // the version is asked once per connection
  });

  it('recalls and sets presets, and goes to standby and back', async () => {
    await expect(act('recall-preset', { preset: 7 })).resolves.toEqual({ data: { preset: 7 } });
    expect(camera.lastPreset).toBe(7);
    await act('set-preset', { preset: 9 });
    await act('power-standby');
    expect(camera.power).toBe('standby');
    expect((await probe()).status).toBe('degraded');
    await act('power-on');
    expect(camera.power).toBe('on');
  });

  it('activate wakes a camera in standby and frames the slot’s preset', async () => {
    await act('power-standby');
    await expect(act('activate', { preset: 3 })).resolves.toEqual({ data: { power: 'on', preset: 3 } });
    expect(camera.power).toBe('on');
    expect(camera.lastPreset).toBe(3);
  });

  it('passes on the camera’s refusals with their meaning', async () => {
    await act('power-standby');
    await expect(act('recall-preset', { preset: 1 })).rejects.toThrow('camera answered command not executable in the current mode');
    await act('power-on');
    await expect(act('recall-preset', { preset: 200 })).rejects.toThrow('camera answered syntax error'); // beyond this model's presets
    await expect(act('recall-preset', { preset: 'wide' })).rejects.toThrow('preset must be an integer from 0 to 254, not "wide"');
    camera.setFault('protocol-error');
    await expect(probe()).rejects.toThrow('camera answered syntax error');
  });

  it('survives a camera that hangs mid-reply, and recovers when it answers again', async () => {
    await probe();
    camera.setFault('hang-mid-reply');
    await expect(probe(300)).rejects.toThrow(/did not answer|timed out/);
    camera.setFault('none');
    const health = await probe();
    expect(health.status).toBe('ok');
    expect(Number(health.metrics.garbageBytesPerMin)).toBeGreaterThan(0); // the cut-off reply was dropped, not misread
  });

  it('resynchronises on garbage between replies', async () => {
    camera.setFault('garbage');
    for (let i = 0; i < 5; i += 1) expect((await probe()).status).toBe('ok');
    expect(Number((await probe()).metrics.garbageBytesPerMin)).toBeGreaterThanOrEqual(20);
  });

  it('reconnects by itself after the adapter is unplugged and plugged back in', async () => {
    await probe();
    await camera.stop();
    await pair.unplug();
    const status = async () => (await probe(300)).status;
    await eventually(async () => (await status()) === 'offline', 2_000, 'offline while unplugged');
    await pair.plugIn();
    await camera.start();
    await eventually(async () => (await status()) === 'ok', 5_000, 'back without a manual reconnect');
  });
});
