/** Commands for engineers and technicians: status, failover, events, on-air. */
import { Option, type Command } from 'commander';
import type { StatusData } from '../protocols/schemas.ts';
import type { ControllerEvent } from '../protocols/events.ts';
import { request, requestOptions, UserError, withController, type ClientOpts } from '../client/request-client.ts';
import { formatTime } from './format.ts';
import { wholeNumber } from './numbers.ts';
import { deviceKey, refName } from '../protocols/device-ref.ts';
import { cliLocale, say } from './language.ts';
import { cliOps } from '../i18n/messages/cli-ops.ts';
import { translator } from '../i18n/translator.ts';

export const brokerOption = (): Option =>
  new Option('--broker <url>', 'MQTT broker of the controller').env('ONAIR_BROKER').default('mqtt://127.0.0.1:1883');
/** `--timeout`: how long a command waits for the controller (longer for commands that wait for tests). */
export const timeoutOption = (defaultMs = 5_000, what = 'how long to wait for the controller'): Option =>
  new Option('--timeout <ms>', what).default(defaultMs).argParser(wholeNumber(1, 3_600_000, ' ms'));

export function registerOperatorCommands(program: Command): void {
  program
    .command('status')
    .description('show agents, devices and slots')
    .option('--json', 'print the status as JSON')
    .addOption(brokerOption())
    .addOption(timeoutOption())
    .action(async (o: ClientOpts) => {
      const options = requestOptions(o);
      const status = await withController(options, (c) => request(c, 'status', {}, options));
      process.stdout.write(o.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
    });

  program
    .command('failover')
    .description('switch a slot to a backup by hand (default: its first healthy backup)')
    .argument('<slot>', 'slot id, e.g. studio-a/cam-wide')
    .option('--to <device>', 'device to switch to: agent/device, or a device id unique in the slot')
    .requiredOption('--reason <text>', 'why: recorded in the event log')
    .option('--json', 'print the outcome as JSON')
    .addOption(brokerOption())
    .addOption(timeoutOption())
    .action(async (slot: string, o: ClientOpts & { to?: string; reason: string }) => {
      const options = requestOptions(o);
      const outcome = await withController(options, (c) =>
        request(c, 'failover', { slot, reason: o.reason, ...(o.to ? { to: o.to } : {}) }, options),
      );
      process.stdout.write(
        o.json
          ? `${JSON.stringify(outcome)}\n`
          : `${say('failedOver', { slot: outcome.slot, from: refName(outcome.from), to: refName(outcome.to), ms: outcome.durationMs })}\n`,
      );
    });

  program
    .command('events')
    .description('show the event log (state changes, commands, failovers, alarms)')
    .option('--since <when>', 'ISO time, or an age such as 30s, 15m, 2h, 1d')
    .option('--limit <n>', 'newest N events', wholeNumber(1, 10_000), 200)
    .option('--slot <slot>', 'only this slot')
    .option('--device <device>', 'only this device')
    .option('--json', 'one JSON object per line')
    .addOption(brokerOption())
    .addOption(timeoutOption())
    .action(async (o: ClientOpts & { since?: string; limit: number; slot?: string; device?: string }) => {
      const options = requestOptions(o);
      const params = {
        limit: o.limit,
        ...(o.since ? { since: parseSince(o.since, Date.now()) } : {}),
        ...(o.slot ? { slot: o.slot } : {}),
        ...(o.device ? { device: o.device } : {}),
      };
      const { events } = await withController(options, (c) => request(c, 'events', params, options));
      const locale = cliLocale();
      process.stdout.write(
        events.map((e) => (o.json ? JSON.stringify(e) : formatEvent(e, locale))).join('\n') + (events.length ? '\n' : ''),
      );
    });

  program
    .command('on-air')
    .description('go on air (arms automatic failover) or off air')
    .argument('<state>', 'on or off')
    .option('--reason <text>', 'recorded in the event log')
    .addOption(brokerOption())
    .addOption(timeoutOption())
    .action(async (state: string, o: ClientOpts & { reason?: string }) => {
      if (state !== 'on' && state !== 'off') throw new UserError(say('onAir.badState', { command: 'on-air', state, choices: 'on, off' }));
      const options = requestOptions(o);
      const result = await withController(options, (c) =>
        request(c, 'on-air', { onAir: state === 'on', ...(o.reason ? { reason: o.reason } : {}) }, options),
      );
      if (state === 'off' && result.onAir)
        process.stdout.write(`${say('onAir.stillOn', { list: 'onair show list', stop: 'onair show stop ID' })}\n`);
      else process.stdout.write(`${say(result.onAir ? 'onAir.on' : 'onAir.off')}\n`);
    });
}

export function parseSince(text: string, now: number): number {
  const age = /^(\d+)(s|m|h|d)$/.exec(text);
  if (age) return now - Number(age[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[age[2] as 's' | 'm' | 'h' | 'd'];
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new UserError(say('badSince', { option: '--since', text, example: '15m' }));
  return at;
}

const time = (ts: number | null | undefined): string => formatTime(ts, 'ms');

/** One event a line: its type as the log names it (what --json and the docs use), who did it in the CLI's language. */
export function formatEvent(e: ControllerEvent, locale = cliLocale()): string {
  const subject = [e.slot, e.agent && e.device ? deviceKey(e.agent, e.device) : e.agent].filter(Boolean).join(' ');
  const change = e.type === 'device.state' ? ` ${e.data.from} → ${e.data.to}` : '';
  return `${time(e.ts)}  ${e.type.padEnd(18)} ${subject}${change}${e.reason ? `  (${e.reason})` : ''}${e.by ? translator(cliOps, locale)('eventBy', { by: e.by }) : ''}`;
}

/** The status as a table, in the CLI's language (ids, names and the gear's own detail as they are). */
export function formatStatus(s: StatusData, locale = cliLocale()): string {
  const t: typeof say = (id, values) => say(id, values, locale);
  const state = (value: string) => t('state', { state: value });
  const shows = s.showsOnAir.length ? t('status.shows', { shows: s.showsOnAir.join(', ') }) : '';
  const lines = [`${t(s.onAir ? 'status.onAir' : 'status.offAir')}${shows}`];
  if (s.leader) lines.push(t('status.leader', { name: s.leader.name, term: s.leader.term, since: time(s.leader.since) }));
  lines.push('', t('status.slots'));
  for (const slot of s.slots) {
    const active = slot.active ? refName(slot.active) : '—';
    const members = slot.members.map((m) => `${m.agent}/${m.device}:${state(m.status)}`).join(' ');
    lines.push(
      `  ${slot.slot.padEnd(24)} ${state(slot.state).padEnd(12)} ${t('status.active')} ${active.padEnd(22)} ${members}${slot.primaryAvailable ? t('status.primaryAvailable') : ''}`,
    );
  }
  if (s.program?.length) {
    lines.push('', t('status.program'));
    for (const p of s.program) {
      const cut = p.lastCut;
      const last = cut
        ? t('status.lastTake', {
            at: time(cut.ts),
            slot: cut.slot,
            what: cut.cut ? t('status.cut', { from: cut.from, to: cut.to }) : t('status.notCut', { to: cut.to }),
          })
        : '';
      lines.push(`  ${p.switcher.padEnd(24)} ${p.onProgram ?? t('status.programUnknown')}${last}`);
    }
  }
  lines.push('', t('status.agents'));
  for (const a of s.agents) lines.push(`  ${a.agent.padEnd(24)} ${t(a.online ? 'status.online' : 'status.offline')}`);
  lines.push('', t('status.devices'));
  for (const d of s.devices)
    lines.push(`  ${refName(d).padEnd(32)} ${state(d.status).padEnd(9)} ${d.kind ?? ''}${d.detail ? `  ${d.detail}` : ''}`);
  return `${lines.join('\n')}\n`;
}
