/** `onair simulate <kind>`: run one simulated device on a real transport, for trying drivers by hand. */
import type { Command } from 'commander';
import { UserError } from './request-client.ts';
import { wholeNumber } from './numbers.ts';

const KINDS = ['visca', 'onvif', 'shure', 'dmx', 'firmata', 'obs', 'atem'] as const;

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('run a simulated device that speaks its real wire protocol (prints the agent config that reaches it)')
    .argument('<kind>', `one of: ${KINDS.join(', ')}`)
    .option('--address <n>', 'VISCA camera address (1-7)', wholeNumber(1, 7), 1)
    .option('--port <n>', 'TCP/HTTP/WebSocket/UDP port for onvif, shure, obs and atem (default: a free one)', wholeNumber(0, 65_535), 0)
    .option('--model <model>', 'atem only: mini-pro, tvs-hd8 or 2me', 'mini-pro')
    .option('--fault <fault>', 'visca: none, dead, protocol-error, slow, garbage or hang-mid-reply; obs: none, dead, disconnect, refuse, stream-reconnecting, congestion, skipped-frames, render-stall or disk-low; atem: none, dead, power-supply or ignore-commands', 'none')
    .action(async (kind: string, o: { address: number; port: number; fault: string; model: string }) => {
      const stops: Array<() => Promise<void>> = [];
      const say = (text: string) => process.stdout.write(`${text}\nCtrl-C to stop.\n`);
      if (kind === 'visca') {
        const { createPtyPair } = await import('../lib/serial/pty-pair.ts');
        const { ViscaCameraSimulator, VISCA_FAULTS } = await import('../simulators/visca-camera.ts');
        if (!(VISCA_FAULTS as readonly string[]).includes(o.fault)) throw new UserError(`unknown fault "${o.fault}"; one of ${VISCA_FAULTS.join(', ')}`);
        const pair = await createPtyPair();
        const camera = new ViscaCameraSimulator({ path: pair.b, address: o.address });
        await camera.start();
        camera.setFault(o.fault as (typeof VISCA_FAULTS)[number]);
        stops.push(() => camera.stop(), () => pair.close());
        say(`VISCA camera (address ${o.address}) on a ${pair.method} pty pair. Agent config:\n  - { id: ptz-1, driver: visca, kind: camera, options: { path: ${pair.a}, address: ${o.address} } }`);
      } else if (kind === 'onvif') {
        const { OnvifCameraSimulator } = await import('../simulators/onvif-camera.ts');
        const camera = new OnvifCameraSimulator();
        const port = await camera.listen(o.port);
        const probes = await camera.listenForProbes();
        stops.push(() => camera.stop());
        say(`ONVIF camera at ${camera.url} (user admin, password "secret"); WS-Discovery on udp 127.0.0.1:${probes} (onair discover --target 127.0.0.1:${probes}). Agent config:\n  - { id: cam-ip-1, driver: onvif, kind: camera, options: { host: 127.0.0.1, port: ${port}, username: admin, passwordEnv: CAM_PASSWORD } }`);
      } else if (kind === 'shure') {
        const { ShureReceiverSimulator } = await import('../simulators/shure-receiver.ts');
        const receiver = new ShureReceiverSimulator({ channels: 2 });
        const port = await receiver.listen(o.port);
        stops.push(() => receiver.stop());
        say(`Shure ULXD4D receiver on tcp 127.0.0.1:${port}. Agent config:\n  - { id: mic-1, driver: shure, kind: mic, options: { host: 127.0.0.1, port: ${port}, channel: 1 } }`);
      } else if (kind === 'dmx') {
        const { createPtyPair } = await import('../lib/serial/pty-pair.ts');
        const { EnttecWidgetSimulator } = await import('../simulators/enttec-widget.ts');
        const pair = await createPtyPair();
        const widget = new EnttecWidgetSimulator(pair.b, [{ uid: '7ff0:00000101', startAddress: 1, footprint: 4 }]);
        await widget.start();
        stops.push(() => widget.stop(), () => pair.close());
        say(`Enttec DMX USB Pro with RDM fixture 7ff0:00000101 at address 1 on a ${pair.method} pty pair. Agent config:\n  - { id: light-1, driver: dmx, kind: light, options: { path: ${pair.a}, address: 1, footprint: 4, uid: "7ff0:00000101", scenes: { key: [255, 255, 200, 0] } } }`);
      } else if (kind === 'firmata') {
        const { createPtyPair } = await import('../lib/serial/pty-pair.ts');
        const { FirmataBoardSimulator } = await import('../simulators/firmata-board.ts');
        const pair = await createPtyPair();
        const board = new FirmataBoardSimulator(pair.b);
        await board.start();
        stops.push(() => board.stop(), () => pair.close());
        say(`Arduino Uno with StandardFirmata 2.5 on a ${pair.method} pty pair (light sensor on A0). Agent config:\n  - { id: gpio-1, driver: firmata, kind: gpio, options: { path: ${pair.a}, relays: { cam-1-power: 7 }, tallies: { cam-1: 12, cam-2: 13 }, lightSensor: { pin: A0 } } }`);
      } else if (kind === 'obs') {
        const { ObsStudioSimulator, OBS_FAULTS } = await import('../simulators/obs-studio.ts');
        if (!(OBS_FAULTS as readonly string[]).includes(o.fault)) throw new UserError(`unknown fault "${o.fault}"; one of ${OBS_FAULTS.join(', ')}`);
        const obs = new ObsStudioSimulator({ password: 'secret' });
        const port = await obs.listen(o.port);
        obs.setFault(o.fault as (typeof OBS_FAULTS)[number]);
        stops.push(() => obs.stop());
        say(`OBS Studio 30 (obs-websocket 5.5) at ${obs.url}, password "secret", scenes: ${obs.state.scenes.join(', ')}. Agent config:\n  - { id: switcher-1, driver: obs, kind: switcher, options: { host: 127.0.0.1, port: ${port}, passwordEnv: OBS_PASSWORD } }`);
      } else if (kind === 'atem') {
        const { AtemSwitcherSimulator, ATEM_MODELS, ATEM_FAULTS } = await import('../simulators/atem-switcher.ts');
        if (!Object.hasOwn(ATEM_MODELS, o.model)) throw new UserError(`unknown ATEM model "${o.model}"; one of ${Object.keys(ATEM_MODELS).join(', ')}`);
        if (!(ATEM_FAULTS as readonly string[]).includes(o.fault)) throw new UserError(`unknown fault "${o.fault}"; one of ${ATEM_FAULTS.join(', ')}`);
        const atem = new AtemSwitcherSimulator(ATEM_MODELS[o.model as keyof typeof ATEM_MODELS]);
        const port = await atem.listen(o.port);
        atem.setFault(o.fault as (typeof ATEM_FAULTS)[number]);
        stops.push(() => atem.stop());
        say(`${atem.model.name} on udp 127.0.0.1:${port} (${atem.model.inputs} inputs, ${atem.model.mixEffects} M/E). Agent config:\n  - { id: atem-1, driver: atem, kind: switcher, options: { host: 127.0.0.1, port: ${port} } }`);
      } else {
        throw new UserError(`no simulator "${kind}"; available: ${KINDS.join(', ')}`);
      }
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      for (const stop of stops) await stop();
    });
}
