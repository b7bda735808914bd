/** `onair slot add|list|remove`: the slots a show needs, built from registered devices. */
import { Option, type Command } from 'commander';
import { brokerOption } from './operator-commands.ts';
import { settingValue } from './device-command.ts';
import { request, requestOptions, userError, withController, type ClientOpts } from '../client/request-client.ts';
import { refName } from '../protocols/device-ref.ts';
import { cliGear } from '../i18n/messages/cli-gear.ts';
import { translator } from '../i18n/translator.ts';
import { cliLocale } from './language.ts';

const words = () => translator(cliGear, cliLocale());

const ref = (r: { agent: string; device: string }): string => refName(r);

/** `member=board#tally` → [member, board#tally] */
function parseTally(text: string): [string, string] {
  const m = /^([^=]+)=([^#=]+#[^#=]+)$/.exec(text);
  if (!m)
    throw userError(cliGear, 'notPairExample', { option: '--tally', text, form: 'member=board#tally', example: 'cam-1=gpio-1#cam-1' });
  return [m[1]!, m[2]!];
}

/** `member=switcher#source` → [member, switcher#source]; the source may hold spaces (`scene:Cam 1`). */
function parseProgram(text: string): [string, string] {
  const m = /^([^=#]+)=([^#=]+#.+)$/.exec(text);
  if (!m)
    throw userError(cliGear, 'notPairExamples', {
      option: '--program',
      text,
      form: 'member=switcher#source',
      example: 'cam-1=switcher-1#scene:Cam 1',
      other: 'cam-1=atem-1#input:1',
    });
  return [m[1]!, m[2]!];
}

/**
 * `--param key=value` for every member, `--param member.key=value` for one: the member is everything
 * before the last dot (`agent-b/cam-2.preset=2`, or `cam-2.preset=2` when cam-2 is unique in the slot).
 */
export function parseSlotParams(pairs: string[]): {
  params: Record<string, unknown>;
  memberParams: Record<string, Record<string, unknown>>;
} {
  const params: Record<string, unknown> = {};
  const memberParams: Record<string, Record<string, unknown>> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw userError(cliGear, 'notPairEither', { option: '--param', text: pair, form: 'key=value', other: 'member.key=value' });
    const key = pair.slice(0, eq);
    const dot = key.lastIndexOf('.');
    const value = settingValue(key, pair.slice(eq + 1));
    if (dot < 0) params[key] = value;
    else if (dot === 0 || dot === key.length - 1)
      throw userError(cliGear, 'needsBoth', { option: '--param', text: pair, form: 'member.key' });
    else (memberParams[key.slice(0, dot)] ??= {})[key.slice(dot + 1)] = value;
  }
  return { params, memberParams };
}

export function registerSlotCommands(program: Command): void {
  const slot = program.command('slot').description('slots: a primary device, its backups, and what activate is told');

  slot
    .command('add')
    .description('define a slot from registered devices, or redefine one; unregistered devices are refused')
    .argument('<slot>', 'studio/slot, e.g. studio-a/cam-wide')
    .option('--label <text>', 'what the studio calls it ("Wide shot"): the console shows it before the id')
    .requiredOption('--primary <device>', 'agent/device, or a device id registered only once')
    .addOption(new Option('--backup <device...>', 'backups, in the order they are tried').default([]))
    .addOption(
      new Option(
        '--param <[member.]key=value...>',
        'sent with activate: preset=1 for every member, cam-2.preset=p2 for one (an ONVIF token beside a VISCA number)',
      ).default([]),
    )
    .addOption(new Option('--tally <member=board#tally...>', 'a tally lamp on a GPIO board for a member').default([]))
    .addOption(
      new Option(
        '--program <member=switcher#source...>',
        'where a member appears on the program: a failover on air cuts to it (scene:<name> for OBS, input:<n> or me:<m>/input:<n> for an ATEM)',
      ).default([]),
    )
    .addOption(
      new Option(
        '--preshow <policy>',
        'when the pre-show check fails the primary and passes a backup: propose the swap, or make it',
      ).choices(['propose', 'swap']),
    )
    .addOption(
      new Option(
        '--on-content-fault <choice>',
        'a live member whose only failure is its picture, sound or playback: fail it over (default), or alarm and keep it',
      ).choices(['failover', 'alarm']),
    )
    .option('--may-be-dark', 'a dark picture is legitimate in this slot (a night scene): black fails no member over')
    .option('--may-be-still', 'a still picture is legitimate in this slot (slides, a caption card): frozen fails no member over')
    .option('--may-silence', 'silence is legitimate in this slot (a planned pause): silent fails no member over')
    .addOption(brokerOption())
    .action(
      async (
        slotId: string,
        o: ClientOpts & {
          label?: string;
          primary: string;
          backup: string[];
          param: string[];
          tally: string[];
          program: string[];
          preshow?: 'propose' | 'swap';
          onContentFault?: 'failover' | 'alarm';
          mayBeDark?: boolean;
          mayBeStill?: boolean;
          maySilence?: boolean;
        },
      ) => {
        const options = requestOptions(o);
        const { params, memberParams } = parseSlotParams(o.param);
        const tallies = Object.fromEntries(o.tally.map(parseTally));
        const programSources = Object.fromEntries(o.program.map(parseProgram));
        const { slot: defined, created } = await withController(options, (c) =>
          request(
            c,
            'slot.add',
            {
              slot: slotId,
              ...(o.label ? { label: o.label } : {}),
              primary: o.primary,
              backups: o.backup,
              params,
              ...(Object.keys(memberParams).length ? { memberParams } : {}),
              ...(o.tally.length ? { tallies } : {}),
              ...(o.program.length ? { program: programSources } : {}),
              ...(o.preshow ? { preshow: o.preshow } : {}),
              ...(o.onContentFault ? { onContentFault: o.onContentFault } : {}),
              ...(o.mayBeDark ? { mayBeDark: true } : {}),
              ...(o.mayBeStill ? { mayBeStill: true } : {}),
              ...(o.maySilence ? { maySilence: true } : {}),
            },
            options,
          ),
        );
        const chain = `${ref(defined.primary)}${defined.backups.map((b) => ` → ${ref(b)}`).join('')}`;
        process.stdout.write(`${words()('slotSaved', { created: String(created), id: defined.id, chain })}\n`);
      },
    );

  slot
    .command('list')
    .description('defined slots')
    .option('--json', 'print as JSON')
    .addOption(brokerOption())
    .action(async (o: ClientOpts) => {
      const options = requestOptions(o);
      const { slots } = await withController(options, (c) => request(c, 'slot.list', {}, options));
      if (o.json) return void process.stdout.write(`${JSON.stringify(slots, null, 2)}\n`);
      const t = words();
      for (const s of slots) {
        const params = Object.entries(s.params)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(' ');
        // How it takes a content fault, when not as any failure (docs/media.md).
        const content = [
          ...(s.onContentFault === 'alarm' ? [t('alarmOnContent')] : []),
          ...(s.mayBeDark ? [t('mayBeDark')] : []),
          ...(s.mayBeStill ? [t('mayBeStill')] : []),
          ...(s.maySilence ? [t('mayBeSilent')] : []),
        ];
        process.stdout.write(
          `${s.id.padEnd(24)} ${s.label ? `"${s.label}" ` : ''}${ref(s.primary)}${s.backups.map((b) => ` → ${ref(b)}`).join('')}${params ? `  (${params})` : ''}${content.length ? `  [${content.join(', ')}]` : ''}\n`,
        );
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
      process.stdout.write(`${words()('removed', { id: slotId })}\n`);
    });
}
