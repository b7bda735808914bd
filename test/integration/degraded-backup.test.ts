/**
 * Issue 20, point 14: a down slot takes a backup that comes back degraded. Real gear on real
 * transports: two ONVIF cameras (HTTP/SOAP), the backup's clock 1 h off so degraded is its normal
 * state; OBS Studio (WebSocket) as the program switcher; a Firmata board (pty) with the tally lamps.
 * The primary dies, the live backup hangs: the slot is down. The backup answers again — degraded —
 * and the slot goes live on it, with the program and the lamps following.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.ts';
import type { Controller } from '../../controller/controller.ts';
import { createPtyPair, type PtyPair } from '../../lib/serial/pty-pair.ts';
import { registerStudio } from '../../studio-harness/catalog-setup.ts';
import { FirmataBoardSimulator } from '../../simulators/firmata-board.ts';
import { ObsStudioSimulator } from '../../simulators/obs-studio.ts';
import { OnvifCameraSimulator } from '../../simulators/onvif-camera.ts';
import { removeDir, startAgent, startController, tempDir, waitUntil } from './helpers.ts';

const SLOT = 'studio-a/cam-wide';
const PASSWORD_ENV = 'ONAIR_TEST_DEGRADED_CAMERA_PASSWORD';
const PINS = { 'cam-1': 12, 'cam-2': 13 };
let dir: string;
let controller: Controller;
let agents: Agent[] = [];
let pair: PtyPair;
const primary = new OnvifCameraSimulator({ password: 'cam-secret', moveMs: 50 });
const backup = new OnvifCameraSimulator({ password: 'cam-secret', moveMs: 50, clockOffsetMs: 3_600_000 }); // its clock is 1 h off
const obs = new ObsStudioSimulator();
let board: FirmataBoardSimulator;

const slot = () => controller.status().slots.find((s) => s.slot === SLOT)!;
const device = (id: string) => controller.status().devices.find((d) => d.device === id);
const lit = () =>
  Object.entries(PINS)
    .filter(([, pin]) => board.digital(pin) === 1)
    .map(([name]) => name);

beforeAll(async () => {
  process.env[PASSWORD_ENV] = 'cam-secret';
  dir = tempDir();
  const [p1, p2, obsPort] = [await primary.listen(), await backup.listen(), await obs.listen(0)];
  pair = await createPtyPair();
  board = new FirmataBoardSimulator(pair.b);
  await board.start();
  controller = await startController({ dataDir: dir, config: { detection: { recoverAfterMs: 500 } } });
  agents = [await startAgent(controller.brokerUrl, 'agent-a', []), await startAgent(controller.brokerUrl, 'agent-b', [])];
  // The cameras' own request deadline is well inside the probe's: a hung camera is reported with its own reason.
  const probe = { intervalMs: 200, timeoutMs: 2_000 };
  const camera = (port: number) => ({ host: '127.0.0.1', port, username: 'admin', passwordEnv: PASSWORD_ENV, requestTimeoutMs: 500 });
  await registerStudio(controller.brokerUrl, {
    by: 'technician',
    devices: [
      { agent: 'agent-a', device: 'cam-1', profile: 'ptzoptics-20x-sdi-g2', probe, options: camera(p1) },
      { agent: 'agent-b', device: 'cam-2', profile: 'ptzoptics-20x-sdi-g2', probe, options: camera(p2) },
      { agent: 'agent-a', device: 'switcher-1', profile: 'obs-studio-30-switcher', probe, options: { host: '127.0.0.1', port: obsPort } },
      { agent: 'agent-b', device: 'gpio-1', profile: 'arduino-uno-relay-tally', probe, options: { path: pair.a, tallies: PINS } },
    ],
    slots: [
      {
        id: SLOT,
        primary: 'agent-a/cam-1',
        backups: ['agent-b/cam-2'],
        params: { preset: 1 },
        tallies: {
          'agent-a/cam-1': { board: 'agent-b/gpio-1', tally: 'cam-1' },
          'agent-b/cam-2': { board: 'agent-b/gpio-1', tally: 'cam-2' },
        },
        program: { 'agent-a/cam-1': 'agent-a/switcher-1#scene:Cam 1', 'agent-b/cam-2': 'agent-a/switcher-1#scene:Cam 2' },
      },
    ],
  });
  await waitUntil(
    () =>
      device('cam-1')?.status === 'ok' &&
      device('cam-2')?.status === 'degraded' &&
      device('switcher-1')?.status === 'ok' &&
      device('gpio-1')?.status === 'ok',
    20_000,
    'gear up, the backup degraded',
  ).catch((err: Error) => {
    throw new Error(
      `${err.message}: ${controller
        .status()
        .devices.map((d) => `${d.device}=${d.status} ${d.detail ?? ''}`)
        .join('; ')}`,
    );
  });
}, 40_000);

afterAll(async () => {
  for (const a of agents) await a.stop();
  await controller?.stop();
  await primary.stop();
  await backup.stop();
  await obs.stop();
  await board?.stop();
  await pair?.close();
  removeDir(dir);
  delete process.env[PASSWORD_ENV];
});

describe('a down slot and a backup that is degraded as its normal state', () => {
  it('goes live on the backup when it answers again degraded; program and tally lamps follow', async () => {
    controller.setOnAir(true, 'engineer', 'show');
    await waitUntil(() => lit().join() === 'cam-1' && obs.state.program === 'Cam 1', 10_000, 'cam-1 on program, its lamp lit');

    primary.setFault('dead'); // the primary hangs for the rest of the show: the degraded backup is all there is
    await waitUntil(() => slot().active?.device === 'cam-2' && slot().state === 'degraded', 15_000, 'cam-2 live, degraded');
    await waitUntil(() => obs.state.program === 'Cam 2' && lit().join() === 'cam-2', 10_000, 'program and lamp on cam-2');

    backup.setFault('dead'); // the live backup hangs too: nothing left
    await waitUntil(() => slot().state === 'down', 15_000, 'slot down');
    obs.state.program = 'Cam 1'; // the director tries the primary, still dead; the lamps show what is on program
    await waitUntil(() => lit().join() === 'cam-1', 10_000, 'cam-1 lamp lit: it is on program');
    const downAt = controller
      .events({})
      .filter((e) => e.type === 'slot.down')
      .at(-1)!.seq;

    backup.setFault('none'); // it answers again, still 1 h off: degraded
    await waitUntil(() => slot().active?.device === 'cam-2' && slot().state === 'degraded', 15_000, 'cam-2 live again, degraded').catch(
      (err: Error) => {
        throw new Error(`${err.message}: slot ${JSON.stringify(slot())}`);
      },
    );
    await waitUntil(() => lit().join() === 'cam-2', 10_000, 'its lamp lit again');
    await waitUntil(() => obs.state.program === 'Cam 2', 10_000, 'the program off the dead primary, on cam-2');
    const after = controller.events({}).filter((e) => e.seq > downAt);
    expect(after.filter((e) => e.type === 'failover.succeeded').map((e) => e.device)).toEqual(['cam-2']);
    expect(after.filter((e) => e.type === 'slot.down')).toEqual([]);
    expect(device('cam-1')?.status).toBe('failed');
  }, 90_000);
});
