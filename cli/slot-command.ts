/** `onair slot add|list|remove`: the slots a show needs, built from registered devices. */
import { Option, type Command } from 'commander';
import { brokerOption } from './operator-commands.ts';
import { parseSettings } from './device-command.ts';
import { request, requestOptions, UserError, withController, type ClientOpts } from './request-client.ts';

const ref = (r: { agent: string; device: string }): string => `${r.agent}/${r.device}`;

/** `member=board#tally` → [member, board#tally] */
function parseTally(text: string): [string, string] {
  const m = /^([^=]+)=([^#=]+#[^#=]+)$/.exec(text);
  if (!m) throw new UserError(`--tally "${text}" is not member=board#tally (for example cam-1=gpio-1#cam-1)`);
  return [m[1]!, m[2]!];
}

export function registerSlotCommands(program: Command): void {
  const slot = program.command('slot').description('slots: a primary device, its backups, and what activate is told');

  slot
    .command('add')
    .description('define a slot from registered devices, or redefine one; unregistered devices are refused')
    .argument('<slot>', 'studio/slot, e.g. studio-a/cam-wide')
    .requiredOption('--primary <device>', 'agent/device, or a device id registered only once')
    .addOption(new Option('--backup <device...>', 'backups, in the order they are tried').default([]))
    .addOption(new Option('--param <key=value...>', 'sent with activate: preset=wide, scene=key, channel=1').default([]))
    .addOption(new Option('--tally <member=board#tally...>', 'a tally lamp on a GPIO board for a member').default([]))
    .addOption(new Option('--preshow <policy>', 'when the pre-show check fails the primary and passes a backup: propose the swap, or make it').choices(['propose', 'swap']))
    .addOption(brokerOption())
    .action(async (slotId: string, o: ClientOpts & { primary: string; backup: string[]; param: string[]; tally: string[]; preshow?: 'propose' | 'swap' }) => {
      const options = requestOptions(o);
      const params = parseSettings(o.param);
      const tallies = Object.fromEntries(o.tally.map(parseTally));
      const { slot: defined, created } = await withController(options, (c) =>
        request(c, 'slot.add', { slot: slotId, primary: o.primary, backups: o.backup, params, ...(o.tally.length ? { tallies } : {}), ...(o.preshow ? { preshow: o.preshow } : {}) }, options),
      );
      process.stdout.write(`${created ? 'defined' : 'changed'}  ${defined.id}: ${ref(defined.primary)}${defined.backups.map((b) => ` → ${ref(b)}`).join('')}\n`);
    });

  slot
    .command('list')
    .description('defined slots')
    .option('--json', 'print as JSON')
    .addOption(brokerOption())
    .action(async (o: ClientOpts) => {
      const options = requestOptions(o);
      const { slots } = await withController(options, (c) => request(c, 'slot.list', {}, options));
      if (o.json) return void process.stdout.write(`${JSON.stringify(slots, null, 2)}\n`);
      for (const s of slots) {
        const params = Object.entries(s.params).map(([k, v]) => `${k}=${String(v)}`).join(' ');
        process.stdout.write(`${s.id.padEnd(24)} ${ref(s.primary)}${s.backups.map((b) => ` → ${ref(b)}`).join('')}${params ? `  (${params})` : ''}\n`);
      }
    });

  slot
    .command('remove')
    .description('remove a slot (refused while on air)')
    .argument('<slot>')
    .requiredOption('--reason <text>', 'recorded in the audit log')
    .addOption(brokerOption())
    .action(async (slotId: string, o: ClientOpts & { reason: string }) => {
      const options = requestOptions(o);
      await withController(options, (c) => request(c, 'slot.remove', { slot: slotId, reason: o.reason }, options));
      process.stdout.write(`removed  ${slotId}\n`);
    });
}
