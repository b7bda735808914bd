/** `onair discover`: find ONVIF cameras with WS-Discovery. */
import type { Command } from 'commander';
import { UserError } from '../client/request-client.ts';
import { wholeNumber } from './numbers.ts';

export function registerDiscoverCommand(program: Command): void {
  program
    .command('discover')
    .description('find ONVIF cameras: WS-Discovery probes on every network interface, resent since UDP gets lost')
    .option('--timeout <ms>', 'how long to listen', wholeNumber(100, 60_000, ' ms'), 3_000)
    .option('--target <host:port...>', 'probe these addresses by unicast instead of multicast')
    .option('--json', 'print the cameras as JSON')
    .action(async (o: { timeout: number; target?: string[]; json?: boolean }) => {
      const { discover } = await import('../lib/net/ws-discovery.ts');
      const targets = (o.target ?? []).map((t) => {
        const m = /^([^:]+):(\d+)$/.exec(t);
        if (!m) throw new UserError(`--target "${t}" is not host:port`);
        return { address: m[1]!, port: Number(m[2]) };
      });
      const found = await discover({ timeoutMs: o.timeout, ...(targets.length ? { targets } : {}) });
      if (o.json) return void process.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
      if (found.length === 0) return void process.stdout.write('no ONVIF cameras answered\n');
      for (const d of found)
        process.stdout.write(
          `${d.xaddrs.join(' ')}  ${d.scopes.filter((s) => s.includes('/name/') || s.includes('/hardware/')).join(' ')}\n`,
        );
    });
}
