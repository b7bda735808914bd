/**
 * `onair duty add|list|now|remove`: the duty rota, who is on call for a studio (or every studio: *)
 * when. Times as `onair show add` takes them: an ISO time (local when it has no zone) or +10m / in 2h.
 */
import type { Command } from 'commander';
import type { DutyShift } from '../protocols/alerting.ts';
import { request, requestOptions, withController, type ClientOpts } from '../client/request-client.ts';
import { brokerOption } from './operator-commands.ts';
import { formatTime } from './format.ts';
import { wholeNumber } from './numbers.ts';
import { parseWhen } from './show-command.ts';
import { say } from './language.ts';

const DAY_MS = 86_400_000;
const time = (ts: number | undefined): string => formatTime(ts, 'minute');
const print = (line: string): void => void process.stdout.write(`${line}\n`);

export const shiftLine = (s: DutyShift): string =>
  `${String(s.id).padStart(5)}  ${s.studio.padEnd(14)} ${s.person.padEnd(16)} ${time(s.from)} → ${time(s.to)}${s.note ? `  ${s.note}` : ''}`;

export function registerDutyCommands(program: Command): void {
  const duty = program.command('duty').description('the duty rota: who is on call when, and who is reached now');
  duty
    .command('add')
    .description('put a person on call for a studio (or every studio: *); they are told in place of its responsible engineer')
    .requiredOption('--studio <studio>', 'a studio, or * for every studio (a studio’s own shift wins over *)')
    .requiredOption('--person <person>')
    .requiredOption('--from <time>', 'ISO time (2026-12-07T08:00, local without a zone) or +10m / in 2h')
    .requiredOption('--to <time>', 'the hand-over: the next shift may begin at this very time')
    .option('--note <text>')
    .addOption(brokerOption())
    .action(async (o: ClientOpts & { studio: string; person: string; from: string; to: string; note?: string }) => {
      const now = Date.now();
      const p = {
        studio: o.studio,
        person: o.person,
        from: parseWhen(o.from, now, '--from'),
        to: parseWhen(o.to, now, '--to'),
        ...(o.note ? { note: o.note } : {}),
      };
      const options = requestOptions(o);
      const shift = await withController(options, (c) => request(c, 'duty.add', p, options));
      print(say('shiftAdded', { id: shift.id, person: shift.person, studio: shift.studio, from: time(shift.from), to: time(shift.to) }));
    });
  duty
    .command('list')
    .description('the rota from now, earliest first (a studio’s list includes the * shifts)')
    .option('--studio <studio>')
    .option('--days <n>', 'how far ahead', wholeNumber(1, 366), 7)
    .option('--json', 'print as JSON')
    .addOption(brokerOption())
    .action(async (o: ClientOpts & { studio?: string; days: number }) => {
      const now = Date.now();
      const options = requestOptions(o);
      const p = { since: now, until: now + o.days * DAY_MS, ...(o.studio ? { studio: o.studio } : {}) };
      const { shifts } = await withController(options, (c) => request(c, 'duty.list', p, options));
      if (o.json) return void process.stdout.write(`${JSON.stringify(shifts, null, 2)}\n`);
      if (shifts.length === 0) return print(say('nothing'));
      for (const s of shifts) print(shiftLine(s));
    });
  duty
    .command('now')
    .description('who is reached now in each studio: first, the emergency lead, the manager, and the next hand-over')
    .option('--studio <studio>')
    .option('--json', 'print as JSON')
    .addOption(brokerOption())
    .action(async (o: ClientOpts & { studio?: string }) => {
      const options = requestOptions(o);
      const { studios } = await withController(options, (c) => request(c, 'duty.now', o.studio ? { studio: o.studio } : {}, options));
      if (o.json) return void process.stdout.write(`${JSON.stringify(studios, null, 2)}\n`);
      if (studios.length === 0) return print(say('nothing'));
      for (const s of studios)
        print(
          say('dutyLine', {
            studio: s.studio,
            first: s.first,
            onCall: s.onCall ? say('onCallUntil', { until: time(s.onCall.until) }) : '',
            lead: s.emergencyLead,
            manager: s.manager,
            next: s.next ? say('nextHandover', { from: time(s.next.from), person: s.next.person }) : '',
          }),
        );
    });
  duty
    .command('remove')
    .description('remove a duty shift')
    .argument('<id>', 'the shift number (onair duty list)', wholeNumber(1, Number.MAX_SAFE_INTEGER))
    .addOption(brokerOption())
    .action(async (id: number, o: ClientOpts) => {
      const options = requestOptions(o);
      await withController(options, (c) => request(c, 'duty.remove', { id }, options));
      print(say('removed', { id }));
    });
}
