/**
 * Every profile in hardware-profiles/ is registered against its simulator (over the real transport:
 * HTTP/SOAP, TCP, pty serial) the way a technician does it, monitored by an agent that picked the
 * devices up from the controller, and its self-test — intrusive steps included — passes.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../agent/agent.ts';
import type { Controller } from '../../controller/controller.ts';
import { registerStudio, type SetupDevice } from '../../studio-harness/catalog-setup.ts';
import { request, withController } from '../../client/request-client.ts';
import { createPtyPair, type PtyPair } from '../../lib/serial/pty-pair.ts';
import { EnttecWidgetSimulator } from '../../simulators/dmx-widget.ts';
import { FirmataBoardSimulator } from '../../simulators/firmata-board.ts';
import { ObsStudioSimulator } from '../../simulators/obs-studio.ts';
import { ATEM_MODELS, AtemSwitcherSimulator } from '../../simulators/atem-switcher.ts';
import { OnvifCameraSimulator } from '../../simulators/onvif-camera.ts';
import { ShureReceiverSimulator } from '../../simulators/shure-receiver.ts';
import { ViscaCameraSimulator } from '../../simulators/visca-camera.ts';
import { shineOnSensor } from '../../simulators/room.ts';
import { loadProfile } from '../../protocols/profile-loader.ts';
import { hasFfmpeg } from '../support/processes.ts';
import { MediaSourceSimulator, freeUdpPort } from '../../simulators/media-source.ts';
import { removeDir, startAgent, startController, tempDir, waitUntil } from './helpers.ts';

const PASSWORD_ENV = 'ONAIR_TEST_CAMERA_PASSWORD';
/** Profiles whose media is watched as registered: their self-test needs Debian's ffmpeg (CI installs it). */
const WATCHED = new Set(['generic-stream-probe']);
const library = readdirSync(path.resolve(import.meta.dirname, '../../hardware-profiles'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''))
  .filter((profile) => hasFfmpeg() || !WATCHED.has(profile));

let dir: string;
let controller: Controller;
let agent: Agent;
const pairs: PtyPair[] = [];
const stops: Array<() => Promise<void>> = [];
const devices: SetupDevice[] = [];

async function pty(): Promise<PtyPair> {
  const pair = await createPtyPair();
  pairs.push(pair);
  return pair;
}

/** One simulator per profile, and the connection a technician would register for it. */
async function startGear(): Promise<void> {
  process.env[PASSWORD_ENV] = 'rack-secret';
  const camera = (auth: 'ws-security' | 'digest') => new OnvifCameraSimulator({ password: 'rack-secret', auth, moveMs: 100 });
  const ptz = camera('ws-security');
  const fixed = camera('digest');
  const [ptzPort, fixedPort] = [await ptz.listen(), await fixed.listen()];
  stops.push(
    () => ptz.stop(),
    () => fixed.stop(),
  );
  const onvif = (port: number) => ({ host: '127.0.0.1', port, username: 'admin', passwordEnv: PASSWORD_ENV, requestTimeoutMs: 1_000 });

  const viscaPair = await pty();
  const visca = new ViscaCameraSimulator({ path: viscaPair.b, moveMs: 100 });
  await visca.start();
  stops.push(() => visca.stop());

  const receivers = [new ShureReceiverSimulator(), new ShureReceiverSimulator({ model: 'QLXD4' })];
  const [ulxd, qlxd] = await Promise.all(receivers.map((r) => r.listen()));
  stops.push(...receivers.map((r) => () => r.stop()));

  const widgetPair = await pty();
  const widget = new EnttecWidgetSimulator(widgetPair.b, [{ uid: '6574:00000042', startAddress: 10, footprint: 4 }]);
  await widget.start();
  stops.push(() => widget.stop());

  const gpioPair = await pty();
  const board = new FirmataBoardSimulator(gpioPair.b);
  await board.start();
  stops.push(() => board.stop());
  // The fixture's beam falls on the board's light sensor, as on a stage: its self-test reads the sensor.
  const stopRoom = shineOnSensor({ widget, address: 10, board });
  stops.push(async () => stopRoom());

  // Two OBS machines: the program switcher, and the stream encoder (password-protected, as it should be).
  const switcher = new ObsStudioSimulator();
  const encoder = new ObsStudioSimulator({ password: 'rack-secret' });
  const [switcherPort, encoderPort] = [await switcher.listen(0), await encoder.listen(0)];
  stops.push(
    () => switcher.stop(),
    () => encoder.stop(),
  );
  const atems = [new AtemSwitcherSimulator(ATEM_MODELS['mini-pro']), new AtemSwitcherSimulator(ATEM_MODELS['tvs-hd8'])];
  const [miniPort, hd8Port] = [await atems[0]!.listen(0), await atems[1]!.listen(0)];
  stops.push(...atems.map((a) => () => a.stop()));

  // The stream probe watches an encoder's output: here a moving picture with a tone, from ffmpeg.
  const program = hasFfmpeg() ? new MediaSourceSimulator({ transport: { kind: 'udp', port: await freeUdpPort() } }) : undefined;
  if (program) {
    await program.start();
    stops.push(() => program.stop());
  }

  const unit = (device: string, profile: string, options: Record<string, unknown>): SetupDevice => ({
    agent: 'rack',
    device,
    profile,
    options,
    studio: 'studio-b',
    probe: { intervalMs: 250, timeoutMs: 200 },
  });
  devices.push(
    unit('ptz-onvif', 'ptzoptics-20x-sdi-g2', onvif(ptzPort)),
    unit('fixed-cam', 'axis-p1448-le', onvif(fixedPort)),
    unit('ptz-visca', 'sony-srg-300h', { path: viscaPair.a }),
    unit('mic-ulxd', 'shure-ulxd4', { host: '127.0.0.1', port: ulxd, channel: 1 }),
    unit('mic-qlxd', 'shure-qlxd4', { host: '127.0.0.1', port: qlxd, channel: 1 }),
    // The widget and the fixture on its line share one serial port, as on a real rig.
    unit('dmx-widget', 'enttec-dmx-usb-pro', { path: widgetPair.a, address: 1 }),
    // Its own scene is added to the profile's (the self-test needs the profile's "full" and "off").
    {
      ...unit('key-fixture', 'chauvet-ovation-e-260ww', {
        path: widgetPair.a,
        address: 10,
        uid: '6574:00000042',
        scenes: { interview: [180, 0, 0, 0] },
      }),
      helpers: { 'light-sensor': 'gpio-board' },
    },
    unit('atem-mini', 'blackmagic-atem-mini-pro', { host: '127.0.0.1', port: miniPort }),
    unit('atem-hd8', 'blackmagic-atem-television-studio-hd8', { host: '127.0.0.1', port: hd8Port }),
    unit('obs-program', 'obs-studio-30-switcher', { host: '127.0.0.1', port: switcherPort }),
    unit('obs-stream', 'obs-studio-30-encoder', { host: '127.0.0.1', port: encoderPort, passwordEnv: PASSWORD_ENV }),
    unit('gpio-board', 'arduino-uno-relay-tally', {
      path: gpioPair.a,
      tallies: { 'cam-1': 12 },
      relays: { 'cam-1-power': 7 },
      lightSensor: { pin: 'A0', brightAbove: 600 },
    }),
    ...(program ? [unit('program-out', 'generic-stream-probe', { url: program.url })] : []),
  );
}

beforeAll(async () => {
  dir = tempDir();
  controller = await startController({ dataDir: dir, config: { detection: { recoverAfterMs: 300 } } });
  agent = await startAgent(controller.brokerUrl, 'rack', []);
  await startGear();
  await registerStudio(controller.brokerUrl, { devices, slots: [], by: 'technician' });
  const names = devices.map((d) => d.device);
  await waitUntil(
    () => names.every((n) => controller.status().devices.find((d) => d.device === n)?.status === 'ok'),
    20_000,
    'every library device ok',
  ).catch((err: Error) => {
    throw new Error(
      `${err.message}: ${controller
        .status()
        .devices.map((d) => `${d.device}=${d.status} ${d.detail ?? ''}`)
        .join('; ')}`,
    );
  });
});

afterAll(async () => {
  await agent.stop();
  await controller.stop();
  for (const stop of stops) await stop();
  for (const pair of pairs) await pair.close();
  removeDir(dir);
  delete process.env[PASSWORD_ENV];
});

describe('the profile library against the simulators', () => {
  it('covers every profile in hardware-profiles/', () => {
    expect(devices.map((d) => d.profile).sort()).toEqual([...library].sort());
  });

  it.each(library)('%s: registered, monitored, and its self-test passes with every step run', async (profile) => {
    const unit = devices.find((d) => d.profile === profile)!;
    const options = { broker: controller.brokerUrl, timeoutMs: 60_000, issuedBy: 'technician' };
    const report = await withController(options, (c) => request(c, 'test.run', { device: `rack/${unit.device}` }, options));
    expect(
      report.steps.filter((s) => s.status !== 'passed'),
      JSON.stringify(report.steps),
    ).toEqual([]);
    const { version } = loadProfile(path.resolve(import.meta.dirname, '../../hardware-profiles', `${profile}.yaml`));
    expect(report).toMatchObject({ result: 'passed', profile: `${profile}@${version}` });
    const listed = await withController(options, (c) => request(c, 'device.show', { agent: 'rack', device: unit.device }, options));
    expect(listed).toMatchObject({ deployment: 'running', studio: 'studio-b' });
    // Monitored all along: the controller tracks its health (a busy machine may show a passing blip).
    const now = () => controller.status().devices.find((d) => d.device === unit.device);
    await waitUntil(() => now()?.status === 'ok', 5_000, `${unit.device} ok after its self-test`).catch((err: Error) => {
      throw new Error(`${err.message}: ${now()?.status} ${now()?.detail ?? ''}`);
    });
  });
});
