/** `onair show add|list|start|stop` and `onair preshow <show>`: shows and their go/no-go checklists. */
import { Option, type Command } from 'commander';
import type { Checklist, Show } from '../protocols/plan-schemas.ts';
import { brokerOption, timeoutOption } from './operator-commands.ts';
import { request, requestOptions, UserError, withController, type ClientOpts } from '../client/request-client.ts';
import { formatTime } from './format.ts';
import { numberIn } from './numbers.ts';
import { refName } from '../protocols/device-ref.ts';
import { registerQuietCommand } from './quiet-command.ts';
import { cliShow } from '../i18n/messages/cli-show.ts';
import { translator } from '../i18n/translator.ts';
import { cliLocale } from './language.ts';

const words = () => translator(cliShow, cliLocale());

const UNITS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `+10m`, `in 2h`, or an ISO time (local time when it has no zone). */
export function parseWhen(text: string, now: number, what: string): number {
  const relative = /^(?:\+|in\s+)(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(text.trim());
  if (relative) return now + Number(relative[1]) * UNITS[relative[2] as keyof typeof UNITS];
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new UserError(words()('badWhen', { what, text, time: '2026-11-26T19:00', delay: '+10m' }));
  return at;
}

export function parseDuration(text: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(text.trim());
  if (!m) throw new UserError(words()('badDuration', { what, text, examples: '90m, 2h' }));
  return Number(m[1]) * UNITS[m[2] as keyof typeof UNITS];
}

const time = (ts: number | null | undefined): string => formatTime(ts, 'minute');

export function formatShow(s: Show): string {
  return `${s.id.padEnd(20)} ${words()('state', { state: s.state }).padEnd(9)} ${time(s.startsAt)} → ${time(s.endsAt)}  ${s.studio}  ${s.slots.join(', ')}${s.title !== s.id ? `  "${s.title}"` : ''}\n`;
}

/** A member's job as the checklist shows it: ready, queued, running, or NOT READY. */
function mark(t: ReturnType<typeof words>, m: { ready: boolean; result: string }): string {
  return m.ready ? t('ready') : m.result === 'queued' ? t('queued') : m.result === 'running' ? t('runningJob') : t('notReady');
}

export function formatChecklist(c: Checklist, locale = cliLocale()): string {
  const t = translator(cliShow, locale);
  const noBackup = c.slots.filter((s) => s.verdict === 'go-no-backup').length;
  const wontLast = c.slots.filter((s) => s.enduranceShortfall === 'warning').length;
  const caveats = [...(noBackup ? [t('noBackupSlots', { n: noBackup })] : []), ...(wontLast ? [t('wontLastSlots', { n: wontLast })] : [])];
  const overall = c.finishedAt === null ? t('running') : c.go ? [t('go'), ...caveats].join(' — ') : t('noGo');
  const lines = [t('heading', { show: c.show, studio: c.studio, at: time(c.startsAt), overall })];
  for (const slot of c.slots) {
    const verdict = slot.verdict === 'go-no-backup' ? t('goNoBackup') : slot.go ? t('goSlot') : t('noGo');
    const shortfall = slot.enduranceShortfall
      ? t('shortfall', { verdict: slot.enduranceShortfall === 'no-go' ? t('noGo') : t('warning') })
      : '';
    lines.push(`  ${verdict.padEnd(5)}  ${slot.slot}${slot.swapped ? t('swapped') : ''}${shortfall}`);
    for (const m of slot.members) {
      const why = m.ready ? '' : m.step ? ` — ${m.step}: ${m.detail ?? ''}` : m.detail ? ` — ${m.detail}` : '';
      lines.push(
        `      ${m.role.padEnd(8)} ${refName(m).padEnd(24)} ${mark(t, m)}${m.attempts > 1 ? t('attempts', { n: m.attempts }) : ''}${why}`,
      );
    }
    for (const v of slot.endurance ?? [])
      lines.push(`      ${t('lasts').padEnd(8)} ${t('outcome', { outcome: v.outcome }).padEnd(7)} ${v.message}`); // a rough one says so itself ("… bars, roughly")
    if (slot.proposal) lines.push(`      → ${slot.proposal}`);
  }
  for (const m of c.switchers ?? []) {
    const verdict = m.ready ? t('goSlot').padEnd(5) : t('noGo');
    lines.push(
      `  ${verdict}  ${t('switcher', { device: `${m.agent}/${m.device}` })}  ${mark(t, m)}${m.ready ? '' : ` — ${m.step ? `${m.step}: ` : ''}${m.detail ?? ''}`}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function registerShowCommands(program: Command): void {
  const show = program.command('show').description('shows: on air at their start, off at their end, by themselves');

  show
    .command('add')
    .description('schedule a show (pre-show self-tests run before it; intrusive tests stay off its gear)')
    .argument('<id>', 'show id, e.g. news-2026-11-26')
    .requiredOption('--studio <studio>', 'where it is')
    .requiredOption('--start <when>', 'ISO time (2026-11-26T19:00) or a delay (+10m)')
    .addOption(new Option('--end <when>', 'ISO time or a delay from now').conflicts('duration'))
    .addOption(new Option('--duration <d>', 'e.g. 90m'))
    .requiredOption('--slot <slot...>', 'the slots the show needs')
    .option('--title <text>', 'shown in reports')
    .option('--stream <slot>', 'the stream slot (its members are encoders): failed over with the show, counted in its report')
    .option('--start-stream', 'start the stream at air time and stop it at the end')
    .option(
      '--preshow <minutes>',
      "pre-show tests this many minutes before (default: the controller's, 30)",
      numberIn(0, 10_080, ' minutes'),
    )
    .addOption(
      new Option(
        '--without-backup <verdict>',
        "a slot whose every backup failed its pre-show test: GO with no backup, or NO-GO (default: the profile's, else NO-GO for cameras and mics)",
      ).choices(['go', 'no-go']),
    )
    .addOption(
      new Option(
        '--endurance-shortfall <verdict>',
        "gear forecast to run out before the show ends: NO-GO for its slot, or a warning (default: the profile's, else warning)",
      ).choices(['no-go', 'warning']),
    )
    .option('--endurance-lead <minutes>', 'on air, warn this long before gear runs out (default 10)', numberIn(0, 1_440, ' minutes'))
    .option('--owner <person>', 'its responsible engineer: told first about its faults from its pre-show to its end (onair person add)')
    .option('--lead <person>', 'its emergency lead: told when the owner does not acknowledge in time')
    .addOption(brokerOption())
    .action(
      async (
        id: string,
        o: ClientOpts & {
          studio: string;
          start: string;
          end?: string;
          duration?: string;
          slot: string[];
          title?: string;
          stream?: string;
          startStream?: boolean;
          preshow?: number;
          withoutBackup?: 'go' | 'no-go';
          enduranceShortfall?: 'no-go' | 'warning';
          enduranceLead?: number;
          owner?: string;
          lead?: string;
        },
      ) => {
        const now = Date.now();
        const startsAt = parseWhen(o.start, now, '--start');
        if (!o.end && !o.duration) throw new UserError(words()('needEnd', { end: '--end', duration: '--duration' }));
        const endsAt = o.end ? parseWhen(o.end, now, '--end') : startsAt + parseDuration(o.duration!, '--duration');
        const options = requestOptions(o);
        const added = await withController(options, (c) =>
          request(
            c,
            'show.add',
            {
              id,
              studio: o.studio,
              startsAt,
              endsAt,
              slots: o.slot,
              ...(o.title ? { title: o.title } : {}),
              ...(o.stream ? { stream: o.stream } : {}),
              ...(o.startStream ? { startStream: true } : {}),
              ...(o.preshow !== undefined ? { preShowMinutes: o.preshow } : {}),
              ...(o.withoutBackup ? { withoutBackup: o.withoutBackup } : {}),
              ...(o.enduranceShortfall ? { enduranceShortfall: o.enduranceShortfall } : {}),
              ...(o.enduranceLead !== undefined ? { enduranceLeadMinutes: o.enduranceLead } : {}),
              ...(o.owner ? { owner: o.owner } : {}),
              ...(o.lead ? { emergencyLead: o.lead } : {}),
            },
            options,
          ),
        );
        process.stdout.write(formatShow(added));
      },
    );

  show
    .command('list')
    .description('shows')
    .option('--studio <studio>', 'only this studio')
    .option('--json', 'print as JSON')
    .addOption(brokerOption())
    .action(async (o: ClientOpts & { studio?: string }) => {
      const options = requestOptions(o);
      const { shows } = await withController(options, (c) => request(c, 'show.list', o.studio ? { studio: o.studio } : {}, options));
      process.stdout.write(o.json ? `${JSON.stringify(shows, null, 2)}\n` : shows.map(formatShow).join(''));
    });

  for (const [name, op, what] of [
    ['start', 'show.start', 'put a show on air now'],
    ['stop', 'show.stop', 'take a show off air now (or cancel one not started)'],
  ] as const) {
    show
      .command(name)
      .description(what)
      .argument('<id>')
      .option('--reason <text>', 'recorded in the event log')
      .addOption(brokerOption())
      .action(async (id: string, o: ClientOpts & { reason?: string }) => {
        const options = requestOptions(o);
        const result = await withController(options, (c) => request(c, op, { id, ...(o.reason ? { reason: o.reason } : {}) }, options));
        process.stdout.write(formatShow(result));
      });
  }

  registerQuietCommand(show, parseWhen, parseDuration);

  program
    .command('preshow')
    .description("a show's go/no-go checklist from its pre-show self-tests; exits 3 on NO-GO")
    .argument('<show>')
    .option('--run', 'run the checks now and wait for them')
    .option('--json', 'print as JSON')
    .addOption(timeoutOption(600_000, 'how long to wait for the checks'))
    .addOption(brokerOption())
    .action(async (id: string, o: ClientOpts & { run?: boolean }) => {
      const options = requestOptions(o);
      const checklist = await withController(options, (c) => request(c, 'preshow', { show: id, ...(o.run ? { run: true } : {}) }, options));
      process.stdout.write(o.json ? `${JSON.stringify(checklist, null, 2)}\n` : formatChecklist(checklist));
      if (checklist.finishedAt !== null && !checklist.go) process.exitCode = 3;
    });
}
