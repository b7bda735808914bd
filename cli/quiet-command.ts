/** `onair show quiet`: a planned dark scene or silence in a show, so its content faults fail nothing over. */
import { Option, type Command } from 'commander';
import { brokerOption } from './operator-commands.ts';
import { request, requestOptions, userError, withController, type ClientOpts } from '../client/request-client.ts';
import { CONTENT_FAULTS } from '../protocols/content-policy.ts';
import type { ContentFault } from '../protocols/media.ts';
import { formatTime } from './format.ts';
import type { Show } from '../protocols/plan-schemas.ts';
import { cliShow } from '../i18n/messages/cli-show.ts';
import { cliOps } from '../i18n/messages/cli-ops.ts';
import { translator } from '../i18n/translator.ts';
import { cliLocale } from './language.ts';

/** Parses the window's times with the show command's rules (an ISO time or a delay like +10m). */
type When = (text: string, now: number, what: string) => number;
type Duration = (text: string, what: string) => number;

export function registerQuietCommand(show: Command, parseWhen: When, parseDuration: Duration): void {
  show
    .command('quiet')
    .description(
      "plan a dark scene or a silence in a show (scheduled or on air): inside the window, these faults of its slots' members fail nothing over (an alarm says so)",
    )
    .argument('<show>')
    .requiredOption('--from <when>', 'ISO time or a delay (+5m)')
    .addOption(new Option('--to <when>', 'ISO time or a delay from now').conflicts('for'))
    .addOption(new Option('--for <duration>', 'e.g. 2m'))
    .addOption(new Option('--fault <fault...>', 'which faults (default: all)').choices([...CONTENT_FAULTS]))
    .option('--slot <slot...>', "which of the show's slots (default: all)")
    .option('--note <text>', 'why (a night scene, a minute of silence)')
    .addOption(brokerOption())
    .action(
      async (
        id: string,
        o: ClientOpts & { from: string; to?: string; for?: string; fault?: ContentFault[]; slot?: string[]; note?: string },
      ) => {
        const now = Date.now();
        const from = parseWhen(o.from, now, '--from');
        if (!o.to && !o.for) throw userError(cliShow, 'needEnd', { end: '--to', duration: '--for' });
        const to = o.to ? parseWhen(o.to, now, '--to') : from + parseDuration(o.for!, '--for');
        const options = requestOptions(o);
        const updated: Show = await withController(options, (c) =>
          request(
            c,
            'show.quiet',
            {
              show: id,
              from,
              to,
              ...(o.fault?.length ? { faults: o.fault } : {}),
              ...(o.slot?.length ? { slots: o.slot } : {}),
              ...(o.note ? { note: o.note } : {}),
            },
            options,
          ),
        );
        const at = (ts: number) => formatTime(ts, 'second');
        const quiet = translator(cliOps, cliLocale())('quiet', {
          show: updated.id,
          from: at(from),
          to: at(to),
          allFaults: String(!o.fault),
          faults: o.fault?.join(', ') ?? '',
          allSlots: String(!o.slot),
          slots: o.slot?.join(', ') ?? '',
        });
        process.stdout.write(`${quiet}\n`);
      },
    );
}
