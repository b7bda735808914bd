/** `onair simulate <kind>`: run one simulated device on a real transport, for trying drivers by hand. */
import type { Command } from 'commander';
import { UserError } from './request-client.ts';

const KINDS = ['visca'] as const;

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('run a simulated device that speaks its real wire protocol (prints where to connect)')
    .argument('<kind>', `one of: ${KINDS.join(', ')}`)
    .option('--address <n>', 'VISCA camera address (1-7)', Number, 1)
    .option('--fault <fault>', 'start with a fault: none, dead, protocol-error, slow, garbage, hang-mid-reply', 'none')
    .action(async (kind: string, o: { address: number; fault: string }) => {
      if (kind !== 'visca') throw new UserError(`no simulator "${kind}"; available: ${KINDS.join(', ')}`);
      const { createPtyPair } = await import('../lib/serial/pty-pair.ts');
      const { ViscaCameraSimulator, VISCA_FAULTS } = await import('../simulators/visca-camera.ts');
      if (!(VISCA_FAULTS as readonly string[]).includes(o.fault)) throw new UserError(`unknown fault "${o.fault}"; one of ${VISCA_FAULTS.join(', ')}`);
      const pair = await createPtyPair();
      const camera = new ViscaCameraSimulator({ path: pair.b, address: o.address });
      await camera.start();
      camera.setFault(o.fault as (typeof VISCA_FAULTS)[number]);
      process.stdout.write(
        `VISCA camera (address ${o.address}) on a ${pair.method} pty pair.\n` +
          `Agent config:\n  - { id: ptz-1, driver: visca, kind: camera, options: { path: ${pair.a}, address: ${o.address} } }\n` +
          'Ctrl-C to stop.\n',
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await camera.stop();
      await pair.close();
    });
}
