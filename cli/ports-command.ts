/** `onair ports`: the serial ports a technician can give to visca, shure, dmx or firmata devices. */
import type { Command } from 'commander';

export function registerPortsCommand(program: Command): void {
  program
    .command('ports')
    .description('list serial ports (USB adapters, DMX widgets, Arduinos); prefer the /dev/serial/by-id names')
    .option('--json', 'print the listing as JSON')
    .action(async (o: { json?: boolean }) => {
      const { listSerialPorts } = await import('../lib/serial/port-list.ts');
      const listing = await listSerialPorts();
      if (o.json) return void process.stdout.write(`${JSON.stringify(listing, null, 2)}\n`);
      if (listing.warning) process.stderr.write(`onair: ${listing.warning}\n`);
      if (listing.ports.length === 0) return void process.stdout.write('no serial ports found\n');
      for (const p of listing.ports)
        process.stdout.write(`${p.byId ?? p.path}${p.byId ? `  (${p.path})` : ''}${p.manufacturer ? `  ${p.manufacturer}` : ''}\n`);
    });
}
