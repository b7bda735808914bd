/**
 * Each driver against its simulator on its real transport (serial ptys, TCP, HTTP), with every fault
 * the matrix injects and a snapshot of the outputs OnAir set on the device — which must be the same
 * after the fault as before it (no levels, mute, presets or tallies nobody asked for).
 */
import type { SetupDevice } from '../../studio-harness/catalog-setup.ts';
import { createPtyPair, type PtyPair } from '../../lib/serial/pty-pair.ts';
import { EnttecWidgetSimulator } from '../../simulators/dmx-widget.ts';
import { FirmataBoardSimulator } from '../../simulators/firmata-board.ts';
import { OnvifCameraSimulator } from '../../simulators/onvif-camera.ts';
import { ShureReceiverSimulator } from '../../simulators/shure-receiver.ts';
import { ViscaCameraSimulator } from '../../simulators/visca-camera.ts';

export const FAULTS = [
  'silent 0.5 s',
  'silent 3 s',
  'silent 30 s',
  'protocol errors',
  'connection refused',
  'unplugged and back',
  'garbage between frames',
  'truncated frame',
] as const;
export type FaultKind = (typeof FAULTS)[number];

export interface Fault {
  begin(): Promise<void> | void;
  end(): Promise<void> | void;
  /** How long it lasts. */
  ms: number;
  /** failure: must be detected; none: must not be (the device still answers); either: too short to promise. */
  expect: 'failure' | 'none' | 'either';
}

/** An action OnAir sends to set the device's outputs before the faults (as an MQTT command). */
export interface Output {
  action: string;
  params: Record<string, unknown>;
}

export interface Rig {
  name: string;
  device: SetupDevice;
  /** Outputs set before the matrix; `snapshot()` must read the same after every fault. */
  outputs: Output[];
  snapshot(): string;
  faults: Partial<Record<FaultKind, Fault>>;
  /** A short fault for the 100-repetition run (reconnects where the transport has them). */
  blip(rep: number): Fault;
  stop(): Promise<void>;
}

const PROBE = { intervalMs: 250 }; // the deadline: each driver's own request deadline + 250 ms, at least 1 s (protocols/probe-deadline.ts)
const silent = (ms: number, set: (fault: 'dead' | 'none') => void): Fault => ({
  begin: () => set('dead'),
  end: () => set('none'),
  ms,
  expect: ms < 1_000 ? 'either' : 'failure',
});
/** The device stops answering for 0.5 s, 3 s and 30 s: shorter, about as long as, and far longer than the retry intervals. */
const silences = (set: (fault: 'dead' | 'none') => void) => ({
  'silent 0.5 s': silent(500, set),
  'silent 3 s': silent(3_000, set),
  'silent 30 s': silent(30_000, set),
});
const steady = <F extends string>(set: (fault: F) => void, fault: F, expect: Fault['expect'], ms = 3_000): Fault => ({
  begin: () => set(fault),
  end: () => set('none' as F),
  ms,
  expect,
});

/** A serial device on a pty: unplugging takes the device end away, and both ends come back. */
function unplug(pair: PtyPair, device: { start(): Promise<void>; stop(): Promise<void> }, ms = 3_000): Fault {
  return {
    begin: async () => {
      await device.stop();
      await pair.unplug();
    },
    end: async () => {
      await pair.plugIn();
      await device.start();
    },
    ms,
    expect: 'failure',
  };
}

export async function viscaRig(agent: string): Promise<Rig> {
  const pair = await createPtyPair();
  const camera = new ViscaCameraSimulator({ path: pair.b, moveMs: 50 });
  await camera.start();
  const set = (f: Parameters<ViscaCameraSimulator['setFault']>[0]) => camera.setFault(f);
  return {
    name: 'visca (serial)',
    device: { agent, device: 'ptz-1', profile: 'sony-srg-300h', options: { path: pair.a, address: 1 }, probe: PROBE },
    outputs: [{ action: 'recall-preset', params: { preset: 3 } }],
    snapshot: () => `power ${camera.power}, preset ${camera.lastPreset}`,
    faults: {
      ...silences(set),
      'protocol errors': steady(set, 'protocol-error', 'failure'),
      'unplugged and back': unplug(pair, camera),
      'garbage between frames': steady(set, 'garbage', 'none'),
      'truncated frame': steady(set, 'hang-mid-reply', 'failure'),
    },
    blip: (rep) => (rep % 2 ? unplug(pair, camera, 400) : silent(400, set)),
    stop: async () => {
      await camera.stop();
      await pair.close();
    },
  };
}

export async function shureTcpRig(agent: string): Promise<Rig> {
  const receiver = new ShureReceiverSimulator();
  const port = await receiver.listen();
  const set = (f: Parameters<ShureReceiverSimulator['setFault']>[0]) => receiver.setFault(f);
  const refuse = (ms: number): Fault => ({
    begin: () => receiver.disconnect(ms + 60_000),
    end: () => receiver.disconnect(0),
    ms,
    expect: 'failure',
  });
  const powerCycle = (ms: number): Fault => ({
    begin: () => receiver.stop(),
    end: () => receiver.listen(port).then(() => undefined),
    ms,
    expect: 'failure',
  });
  return {
    name: 'shure (tcp)',
    device: { agent, device: 'mic-tcp', profile: 'shure-ulxd4', options: { host: '127.0.0.1', port, channel: 1 }, probe: PROBE },
    outputs: [{ action: 'mute', params: {} }],
    snapshot: () => `muted ${receiver.channels[0]!.muted}, gain ${receiver.channels[0]!.gainRaw}`,
    faults: {
      ...silences(set),
      'protocol errors': steady(set, 'protocol-error', 'failure'),
      'connection refused': refuse(3_000),
      'unplugged and back': powerCycle(3_000),
      'garbage between frames': steady(set, 'garbage', 'none'),
      'truncated frame': steady(set, 'truncated', 'failure'),
    },
    blip: (rep) => (rep % 2 ? refuse(400) : silent(400, set)),
    stop: () => receiver.stop(),
  };
}

export async function shureSerialRig(agent: string): Promise<Rig> {
  const pair = await createPtyPair();
  const receiver = new ShureReceiverSimulator();
  const attach = { start: () => receiver.openSerial(pair.b), stop: () => receiver.stop() };
  await attach.start();
  const set = (f: Parameters<ShureReceiverSimulator['setFault']>[0]) => receiver.setFault(f);
  return {
    name: 'shure (serial)',
    device: { agent, device: 'mic-serial', profile: 'shure-ulxd4', options: { path: pair.a, channel: 1 }, probe: PROBE },
    outputs: [{ action: 'mute', params: {} }],
    snapshot: () => `muted ${receiver.channels[0]!.muted}, gain ${receiver.channels[0]!.gainRaw}`,
    faults: {
      ...silences(set),
      'protocol errors': steady(set, 'protocol-error', 'failure'),
      'unplugged and back': unplug(pair, attach),
      'garbage between frames': steady(set, 'garbage', 'none'),
      'truncated frame': steady(set, 'truncated', 'failure'),
    },
    blip: (rep) => (rep % 2 ? unplug(pair, attach, 400) : silent(400, set)),
    stop: async () => {
      await receiver.stop();
      await pair.close();
    },
  };
}

export async function dmxRig(agent: string): Promise<Rig & { widget: EnttecWidgetSimulator }> {
  const pair = await createPtyPair();
  const widget = new EnttecWidgetSimulator(pair.b, [{ uid: '7ff0:00000301', startAddress: 1, footprint: 4 }]);
  await widget.start();
  const set = (f: Parameters<EnttecWidgetSimulator['setFault']>[0]) => widget.setFault(f);
  return {
    name: 'dmx (serial)',
    widget,
    device: {
      agent,
      device: 'light-1',
      profile: 'chauvet-ovation-e-260ww',
      options: { path: pair.a, address: 1, uid: '7ff0:00000301' },
      probe: PROBE,
    },
    outputs: [{ action: 'set-scene', params: { scene: 'key' } }],
    // What the line carries, and every frame the widget received since the scene: none other than the scene.
    snapshot: () =>
      `levels ${[...widget.universe.subarray(0, 4)].join(',')}, frames other than the scene ${widget.frames.filter((f) => f.slice(0, 4).join() !== '220,0,0,0').length}`,
    faults: {
      ...silences(set),
      'protocol errors': steady(set, 'bad-end-byte', 'failure'),
      'unplugged and back': unplug(pair, widget),
      'garbage between frames': steady(set, 'garbage', 'none'),
      'truncated frame': steady(set, 'truncated', 'failure'),
    },
    blip: (rep) => (rep % 2 ? unplug(pair, widget, 400) : silent(400, set)),
    stop: async () => {
      await widget.stop();
      await pair.close();
    },
  };
}

export async function firmataRig(agent: string): Promise<Rig> {
  const pair = await createPtyPair();
  const board = new FirmataBoardSimulator(pair.b);
  await board.start();
  const set = (f: Parameters<FirmataBoardSimulator['setFault']>[0]) => board.setFault(f);
  return {
    name: 'firmata (serial)',
    device: {
      agent,
      device: 'gpio-1',
      profile: 'arduino-uno-relay-tally',
      options: { path: pair.a, relays: { power: 7 }, tallies: { 'cam-1': 12, 'cam-2': 13 } },
      probe: PROBE,
    },
    outputs: [
      { action: 'relay-on', params: { relay: 'power' } },
      { action: 'tally-on', params: { tally: 'cam-1' } },
    ],
    snapshot: () => `relay ${board.digital(7)}, tally cam-1 ${board.digital(12)}, tally cam-2 ${board.digital(13)}`,
    faults: {
      ...silences(set),
      // Malformed sysex on the line (F0 79 F7 once killed the agent): dropped, the board still answers.
      'protocol errors': {
        begin: () => board.sendRaw([0xf0, 0x79, 0xf7, 0xf0, 0x6c, 0xf7, 0xf0, 0x6e, 0xf7]),
        end: () => undefined,
        ms: 3_000,
        expect: 'none',
      },
      'unplugged and back': unplug(pair, board),
      'garbage between frames': steady(set, 'garbage', 'none'),
      'truncated frame': steady(set, 'truncated', 'failure'),
    },
    blip: (rep) => (rep % 2 ? unplug(pair, board, 400) : silent(400, set)),
    stop: async () => {
      await board.stop();
      await pair.close();
    },
  };
}

export async function onvifRig(agent: string): Promise<Rig & { passwordEnv: Record<string, string> }> {
  const camera = new OnvifCameraSimulator({ moveMs: 50 });
  const port = await camera.listen();
  const set = (f: Parameters<OnvifCameraSimulator['setFault']>[0]) => camera.setFault(f);
  const away = (ms: number): Fault => ({
    begin: () => camera.stop(),
    end: () => camera.listen(port).then(() => undefined),
    ms,
    expect: 'failure',
  });
  const moves = () => camera.requests.filter((r) => r === 'GotoPreset').length;
  return {
    name: 'onvif (http)',
    passwordEnv: { FAULTS_CAMERA_PASSWORD: 'secret' },
    device: {
      agent,
      device: 'cam-ip',
      profile: 'ptzoptics-20x-sdi-g2',
      options: { host: '127.0.0.1', port, username: 'admin', passwordEnv: 'FAULTS_CAMERA_PASSWORD', snapshot: true, requestTimeoutMs: 500 },
      probe: PROBE,
    },
    outputs: [{ action: 'goto-preset', params: { preset: 2 } }],
    snapshot: () => `position ${JSON.stringify(camera.position)}, moves ${moves()}`,
    faults: {
      ...silences(set),
      'protocol errors': steady(set, 'protocol-error', 'failure'),
      'connection refused': away(3_000),
      'truncated frame': steady(set, 'truncated', 'failure'),
    },
    blip: (rep) => (rep % 2 ? away(400) : silent(400, set)),
    stop: () => camera.stop(),
  };
}
