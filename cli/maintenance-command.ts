/** `onair schedule add|list|remove` and `onair maintenance due`: maintenance tests on a cron schedule, and what is due. */
import { Option, type Command } from 'commander';
import { brokerOption } from './operator-commands.ts';
import { request, requestOptions, userError, withController, type ClientOpts } from '../client/request-client.ts';
import { formatTime } from './format.ts';
import { wholeNumber } from './numbers.ts';
import { refName } from '../protocols/device-ref.ts';
import { cliOps } from '../i18n/messages/cli-ops.ts';
import { cliGear } from '../i18n/messages/cli-gear.ts';
import { translator } from '../i18n/translator.ts';
import { cliLocale } from './language.ts';

const words = () => translator(cliOps, cliLocale());

const time = (ts: number | null | undefined): string => formatTime(ts, 'minute');

export function registerMaintenanceCommands(program: Command): void {
  const schedule = program.command('schedule').description('maintenance test schedules (cron syntax); each run is a maintenance window');

  schedule
    .command('add')
    .description(
      'queue the self-tests of matching devices at each cron time; a test not started within the window is skipped; intrusive tests never touch gear on air or about to be',
    )
    .argument('<id>')
    .requiredOption('--cron <pattern>', 'e.g. "0 3 * * 1" (Mondays 03:00); 5 or 6 fields')
    .option('--device <device>', 'one device (agent/device or its id)')
    .option('--profile <profile>', 'every device of a profile')
    .option('--kind <kind>', 'every device of a kind (camera, microphone-receiver, light, …)')
    .option('--studio <studio>', 'every device of a studio')
    .option('--intrusive', 'run intrusive steps too (moves, mutes, light changes)', false)
    .addOption(new Option('--window <minutes>', 'how long the window stays open').default(60).argParser(wholeNumber(1, 1_440, ' minutes')))
    .option('--timezone <zone>', "IANA zone, e.g. Europe/Berlin (default: the controller machine's)")
    .option('--owner <person>', 'who answers for these inspections (onair person add): named on each job and when overdue')
    .addOption(brokerOption())
    .action(
      async (
        id: string,
        o: ClientOpts & {
          cron: string;
          device?: string;
          profile?: string;
          kind?: string;
          studio?: string;
          intrusive: boolean;
          window: number;
          timezone?: string;
          owner?: string;
        },
      ) => {
        const target = {
          ...(o.device ? { device: o.device } : {}),
          ...(o.profile ? { profile: o.profile } : {}),
          ...(o.kind ? { kind: o.kind } : {}),
          ...(o.studio ? { studio: o.studio } : {}),
        };
        if (Object.keys(target).length === 0)
          throw userError(cliOps, 'whichDevices', { options: '--device, --profile, --kind', last: '--studio' });
        const options = requestOptions(o);
        const added = await withController(options, (c) =>
          request(
            c,
            'schedule.add',
            {
              id,
              cron: o.cron,
              target,
              intrusive: o.intrusive,
              windowMinutes: o.window,
              ...(o.timezone ? { timezone: o.timezone } : {}),
              ...(o.owner ? { owner: o.owner } : {}),
            },
            options,
          ),
        );
        const next = added.nextRuns.map((t) => time(t)).join(', ');
        process.stdout.write(`${words()('scheduled', { id, n: added.devices.length, devices: added.devices.join(', '), next })}\n`);
      },
    );

  schedule
    .command('list')
    .description('maintenance schedules and their next run')
    .option('--json', 'print as JSON')
    .addOption(brokerOption())
    .action(async (o: ClientOpts) => {
      const options = requestOptions(o);
      const { schedules } = await withController(options, (c) => request(c, 'schedule.list', {}, options));
      if (o.json) return void process.stdout.write(`${JSON.stringify(schedules, null, 2)}\n`);
      const t = words();
      for (const s of schedules)
        process.stdout.write(
          `${s.id.padEnd(20)} ${s.cron.padEnd(16)} ${t('scheduleNext', { at: time(s.nextRun) })}  ${JSON.stringify(s.target)}${s.intrusive ? t('scheduleIntrusive') : ''}${t('scheduleWindow', { minutes: String(s.windowMinutes) })}${s.owner ? t('owner', { owner: s.owner }) : ''}\n`,
        );
    });

  schedule
    .command('remove')
    .description('remove a schedule (its queued tests are skipped)')
    .argument('<id>')
    .addOption(brokerOption())
    .action(async (id: string, o: ClientOpts) => {
      const options = requestOptions(o);
      await withController(options, (c) => request(c, 'schedule.remove', { id }, options));
      process.stdout.write(`${translator(cliGear, cliLocale())('removed', { id })}\n`);
    });

  program
    .command('maintenance')
    .description(
      'maintenance-due items: wear limits passed (lamp hours, battery run time) and profile intervals since the last passed test',
    )
    .argument('[what]', 'due', 'due')
    .option('--json', 'print as JSON')
    .addOption(brokerOption())
    .action(async (what: string, o: ClientOpts) => {
      if (what !== 'due') throw userError(cliOps, 'maintenanceTakes', { command: 'maintenance', due: 'due', what });
      const options = requestOptions(o);
      const { items } = await withController(options, (c) => request(c, 'maintenance.due', {}, options));
      if (o.json) return void process.stdout.write(`${JSON.stringify(items, null, 2)}\n`);
      const t = words();
      if (items.length === 0) return void process.stdout.write(`${t('nothingDue')}\n`);
      for (const i of items)
        process.stdout.write(
          `${refName(i).padEnd(28)} ${i.profile.padEnd(30)} ${i.reason}${i.owner ? t('ownerOf', { owner: i.owner }) : ''}\n`,
        );
    });
}
