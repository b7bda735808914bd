/** The obs driver against the simulated OBS Studio, over a real WebSocket on loopback. */
import { beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { silentLogger } from '../../lib/logger.ts';
import { withTimeout } from '../../lib/timeout.ts';
import { createObsDriver, type ObsOptions } from '../../agent/drivers/obs/driver.ts';
import type { Driver } from '../../agent/driver.ts';
import { memoryKeptState } from '../../agent/kept-state.ts';
import { ObsStudioSimulator } from '../../simulators/obs-studio.ts';
import { cleanupAfterEach, eventually } from './helpers.ts';

const cleanup = cleanupAfterEach();
let obs: ObsStudioSimulator;
let driver: Driver;
const probe = (ms = 1_000) => withTimeout('probe', ms, (signal) => driver.probe(signal));
const act = (action: string, params: Record<string, unknown> = {}, ms = 2_000) =>
  withTimeout(action, ms, (signal) => driver.execute(action, params, signal));
const make = (options: Partial<ObsOptions>) =>
  createObsDriver().create({
    state: memoryKeptState(),
    deviceId: 'switcher-1',
    log: silentLogger(),
    options: { host: '127.0.0.1', port: obs.port, requestTimeoutMs: 300, cutWith: 'program-scene', ...options },
  });

describe('obs driver', () => {
  beforeEach(async () => {
    obs = new ObsStudioSimulator({ password: 'supersecretpassword' });
    await obs.listen(0);
    cleanup.defer(() => obs.stop());
    process.env.OBS_TEST_PASSWORD = 'supersecretpassword';
    driver = make({ passwordEnv: 'OBS_TEST_PASSWORD' });
    cleanup.defer(() => driver.close());
    await driver.connect(AbortSignal.timeout(2_000));
  });

  it('logs in with the SHA-256 challenge, and reports program, fps, disk and outputs', async () => {
    const first = await probe();
    expect(first.status).toBe('ok');
    expect(first.metrics).toMatchObject({
      obsVersion: '30.2.3',
      programScene: 'Cam 1',
      studioMode: false,
      activeFps: 30,
      streaming: false,
      streamReconnecting: false,
      recording: false,
      availableDiskGb: 244.14,
    });
    expect(first.metrics.previewScene).toBeUndefined();
  });

  it('refuses a wrong password with the reason OBS gave (4009), and names a missing variable', async () => {
    process.env.OBS_WRONG = 'guess';
    const wrong = make({ passwordEnv: 'OBS_WRONG' });
    await expect(wrong.connect(AbortSignal.timeout(2_000))).rejects.toThrow(/password was refused \(AuthenticationFailed\)/);
    await wrong.close();
    expect(() => make({ passwordEnv: 'OBS_NOT_SET' })).toThrow('obs: the password variable OBS_NOT_SET is not set');
  });

  it('reads the password from a file only when no one else can read it', async () => {
    const file = path.join(cleanup.tempDir(), 'obs-password');
    writeFileSync(file, 'supersecretpassword\n');
    chmodSync(file, 0o644);
    expect(() => make({ passwordFile: file })).toThrow(/readable by others \(mode 644\); chmod 600 it/);
    chmodSync(file, 0o600);
    const fromFile = make({ passwordFile: file });
    cleanup.defer(() => fromFile.close());
    await fromFile.connect(AbortSignal.timeout(2_000));
  });

  it('cuts by setting the program scene, and explains a scene OBS does not have', async () => {
    await expect(act('cut', { scene: 'Cam 2' })).resolves.toEqual({ data: { cut: true, program: 'Cam 2' } });
    expect(obs.state.program).toBe('Cam 2');
    await expect(act('cut', { scene: 'Cam 9' })).rejects.toThrow('OBS has no scene "Cam 9" (SetCurrentProgramScene, code 600)');
  });

  it('in studio mode takes through preview and the transition; says so when OBS is not in studio mode', async () => {
    const studio = make({ passwordEnv: 'OBS_TEST_PASSWORD', cutWith: 'studio-transition' });
    cleanup.defer(() => studio.close());
    await studio.connect(AbortSignal.timeout(2_000));
    const run = (action: string, params: Record<string, unknown>) =>
      withTimeout(action, 2_000, (signal) => studio.execute(action, params, signal));
    await expect(run('cut', { scene: 'Wide' })).rejects.toThrow(/OBS is not in studio mode/);
    obs.state.studioMode = true;
    const before = obs.requests.length;
    await expect(run('cut', { scene: 'Wide' })).resolves.toEqual({ data: { cut: true, program: 'Wide' } });
    expect(obs.requests.slice(before)).toEqual(['SetCurrentPreviewScene', 'TriggerStudioModeTransition', 'GetCurrentProgramScene']);
  });

  it('takes for a failover only while program shows the failed source; otherwise moves a preview that holds it', async () => {
    await expect(act('program-take', { to: 'scene:Cam 2', from: 'scene:Cam 1' })).resolves.toEqual({
      data: { cut: true, from: 'Cam 1', program: 'Cam 2' },
    });
    obs.state.program = 'Wide';
    obs.state.studioMode = true;
    obs.state.preview = 'Cam 1';
    await expect(act('program-take', { to: 'scene:Cam 2', from: 'scene:Cam 1' })).resolves.toEqual({
      data: { cut: false, program: 'Wide', previewMoved: true },
    });
    expect(obs.state).toMatchObject({ program: 'Wide', preview: 'Cam 2' });
    await expect(act('program-take', { to: 'input:2' })).rejects.toThrow('"input:2" is an ATEM input; OBS takes scenes (scene:<name>)');
  });

  it('starts and stops the stream and the recording, confirmed by the output state; a second start is no error', async () => {
    await expect(act('start-stream')).resolves.toEqual({ data: { streaming: true } });
    await expect(act('start-stream')).resolves.toEqual({ data: { streaming: true } });
    await probe();
    await new Promise((r) => setTimeout(r, 250));
    const live = await probe();
    expect(live.metrics).toMatchObject({ streaming: true, streamReconnecting: false });
    expect(live.metrics.streamKbps).toBeGreaterThan(5_000);
    expect(live.metrics.streamKbps).toBeLessThan(7_000);
    await expect(act('start-record')).resolves.toEqual({ data: { recording: true } });
    expect((await probe()).metrics).toMatchObject({ recording: true, recordDiskGb: 244.14 });
    await expect(act('stop-record')).resolves.toEqual({ data: { recording: false } });
    await expect(act('stop-stream')).resolves.toEqual({ data: { streaming: false } });
    await expect(act('stop-stream')).resolves.toEqual({ data: { streaming: false } });
  });

  it('reports the stream reconnecting, dropped frames as a rate over the last seconds, congestion, a stalled canvas and low disk', async () => {
    await act('start-stream');
    expect((await probe()).metrics.streamSkippedPercent, 'too few frames yet to judge').toBeUndefined();
    obs.setFault('skipped-frames-heavy');
    await new Promise((r) => setTimeout(r, 1_200));
    const heavy = (await probe()).metrics.streamSkippedPercent as number;
    expect(heavy).toBeGreaterThan(15); // 25 % of the frames since the skipping began, over the window
    obs.setFault('none');
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await probe()).metrics.streamSkippedPercent as number, 'a rate over the window, falling: not the lifetime count').toBeLessThan(
      heavy,
    );
    obs.setFault('stream-reconnecting');
    expect((await probe()).metrics).toMatchObject({ streaming: true, streamReconnecting: true });
    obs.setFault('congestion');
    expect((await probe()).metrics).toMatchObject({ streamReconnecting: false, streamCongestion: 0.8 });
    obs.setFault('disk-low');
    expect((await probe()).metrics.availableDiskGb).toBe(0.78);
    obs.setFault('render-stall');
    const stalled = await probe();
    expect(stalled.status).toBe('failed');
    expect(stalled.checks).toContainEqual(expect.objectContaining({ name: 'render', detail: 'OBS renders no frames (0 fps)' }));
  });

  it('a stream it started that stops by itself is streamStopped, also for the next agent run; one it was told to stop is not', async () => {
    const state = memoryKeptState();
    const encoder = createObsDriver().create({
      state,
      deviceId: 'encoder-1',
      log: silentLogger(),
      options: { host: '127.0.0.1', port: obs.port, requestTimeoutMs: 300, cutWith: 'program-scene', passwordEnv: 'OBS_TEST_PASSWORD' },
    });
    await encoder.connect(AbortSignal.timeout(2_000));
    const look = () => withTimeout('probe', 1_000, (signal) => encoder.probe(signal));
    expect((await look()).metrics).toMatchObject({ streaming: false, streamStopped: false, streamConfigured: true });
    await withTimeout('start', 2_000, (signal) => encoder.execute('start-stream', {}, signal));
    expect((await look()).metrics).toMatchObject({ streaming: true, streamStopped: false });
    obs.setFault('stream-stopped');
    expect((await look()).metrics).toMatchObject({ streaming: false, streamStopped: true });
    await encoder.close();
    // The agent restarts: what it was asked to do is kept, so the stopped stream is still seen.
    const again = createObsDriver().create({
      state,
      deviceId: 'encoder-1',
      log: silentLogger(),
      options: { host: '127.0.0.1', port: obs.port, requestTimeoutMs: 300, cutWith: 'program-scene', passwordEnv: 'OBS_TEST_PASSWORD' },
    });
    await again.connect(AbortSignal.timeout(2_000));
    expect((await withTimeout('probe', 1_000, (signal) => again.probe(signal))).metrics.streamStopped).toBe(true);
    await withTimeout('start', 2_000, (signal) => again.execute('start-stream', {}, signal));
    await withTimeout('stop', 2_000, (signal) => again.execute('stop-stream', {}, signal));
    expect((await withTimeout('probe', 1_000, (signal) => again.probe(signal))).metrics).toMatchObject({
      streaming: false,
      streamStopped: false,
    });
    await again.close();
  });

  it('reports an OBS whose stream destination was never set up as not configured', async () => {
    const bare = new ObsStudioSimulator({ streamServer: '' });
    await bare.listen(0);
    const d = createObsDriver().create({
      state: memoryKeptState(),
      deviceId: 'encoder-2',
      log: silentLogger(),
      options: { host: '127.0.0.1', port: bare.port, requestTimeoutMs: 300, cutWith: 'program-scene' },
    });
    await d.connect(AbortSignal.timeout(2_000));
    expect((await withTimeout('probe', 1_000, (signal) => d.probe(signal))).metrics.streamConfigured).toBe(false);
    await d.close();
    await bare.stop();
  });

  it('passes on a refusal from OBS with its code', async () => {
    obs.setFault('refuse');
    await expect(act('cut', { scene: 'Cam 2' })).rejects.toThrow(
      'SetCurrentProgramScene refused by OBS (code 205: The request failed (simulated refusal).)',
    );
  });

  it('a hung OBS fails the probe at its deadline; a crashed one is offline at once, and a reconnect finds it back', async () => {
    obs.setFault('dead');
    await expect(probe()).rejects.toThrow(/timed out/);
    obs.setFault('none');
    await obs.stop();
    await eventually(async () => (await probe()).status === 'offline', 2_000, 'offline when the socket closes');
    expect((await probe()).checks[0]!.detail).toMatch(/^not connected: connection closed/);
    await expect(act('cut', { scene: 'Cam 2' })).rejects.toThrow(/OBS is not connected/);
    await obs.listen();
    for (let cycle = 0; cycle < 3; cycle += 1) {
      await driver.close();
      await driver.connect(AbortSignal.timeout(2_000));
      expect((await probe()).status).toBe('ok');
    }
    await expect(act('cut', { scene: 'Cam 2' })).resolves.toEqual({ data: { cut: true, program: 'Cam 2' } });
  });
});
