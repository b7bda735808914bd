/** `onair simulate <driver>`: run one simulated device on a real transport, for trying drivers by hand. */
import type { Command } from 'commander';
import { UserError } from '../client/request-client.ts';
import { wholeNumber } from './numbers.ts';
import { DRIVERS_WITH_SIMULATOR, simulatorOf, type RunningSimulator, type SimulateOptions } from '../simulators/index.ts';
import { UnknownChoice } from '../simulators/launch.ts';

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('run a simulated device that speaks its real wire protocol (prints the agent config that reaches it)')
    .argument('<kind>', `one of: ${DRIVERS_WITH_SIMULATOR.join(', ')}`)
    .option('--address <n>', 'VISCA camera address (1-7)', wholeNumber(1, 7), 1)
    .option('--port <n>', 'TCP/HTTP/WebSocket/UDP port for onvif, shure, obs and atem (default: a free one)', wholeNumber(0, 65_535), 0)
    .option('--model <model>', 'atem only: mini-pro, tvs-hd8 or 2me', 'mini-pro')
    .option(
      '--fault <fault>',
      'visca: none, dead, protocol-error, slow, garbage or hang-mid-reply; obs: none, dead, disconnect, refuse, stream-reconnecting, congestion, skipped-frames, render-stall, disk-low, program-black, program-frozen, program-silent or program-clipping; atem: none, dead, power-supply or ignore-commands',
      'none',
    )
    .action(async (kind: string, o: SimulateOptions) => {
      const load = simulatorOf(kind);
      if (!load) throw new UserError(`no simulator "${kind}"; available: ${DRIVERS_WITH_SIMULATOR.join(', ')}`);
      const { launch } = await load();
      let device: RunningSimulator;
      try {
        device = await launch(o);
      } catch (err) {
        throw err instanceof UnknownChoice ? new UserError(err.message) : err;
      }
      process.stdout.write(`${device.description}\nCtrl-C to stop.\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await device.stop();
    });
}
