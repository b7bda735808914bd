/** `onair alarm list [--open]` and `onair alarm ack <alert>`: the alerts OnAir raised (one per cause), and taking one. */
import { Option, type Command } from 'commander';
import type { Alert, Locale } from '../protocols/alerting.ts';
import { request, requestOptions, UserError, withController, type ClientOpts } from '../client/request-client.ts';
import { alertingAlerts } from '../i18n/messages/alerting-alerts.ts';
import { translator } from '../i18n/translator.ts';
import { common } from '../i18n/messages/common.ts';
import { summaryIn } from '../controller/alerting/alerts/summaries.ts';
import { brokerOption, timeoutOption } from './operator-commands.ts';
import { formatTime } from './format.ts';
import { wholeNumber } from './numbers.ts';
import { localeOption } from './incident-command.ts';
import { cliLocale } from './language.ts';
import { alarms } from '../i18n/messages/alarms.ts';

const time = (ts: number | undefined): string => formatTime(ts, 'minute');

/** One line an alert, then what is known besides (acknowledged, what it inhibits) indented under it. */
export function formatAlerts(alerts: readonly Alert[], locale: Locale = 'en'): string {
  const t = translator(alertingAlerts, locale);
  const severity = translator(common, locale);
  if (alerts.length === 0) return `${t('cli.none')}\n`;
  const lines = [t('cli.header')];
  for (const a of alerts) {
    lines.push(
      `#${String(a.id).padEnd(5)} ${t(`state.${a.state}`).padEnd(13)} ${severity(`severity.${a.severity}`).padEnd(9)} ${time(a.startsAt)}  ${String(a.count).padEnd(6)} ${summaryIn(locale, a)}`,
    );
    if (a.ackedAt !== undefined)
      lines.push(`       ${t('cli.acked-by', { by: a.ackedBy ?? '?', at: time(a.ackedAt) })}${a.ackComment ? `: ${a.ackComment}` : ''}`);
    if (a.owner)
      lines.push(`       ${translator(alarms, locale)('cli.heldBy', { owner: a.owner.person ?? a.owner.login, at: time(a.owner.since) })}`);
    if (a.inhibits.length > 0) lines.push(`       ${t('cli.inhibits', { n: a.inhibits.length })}`);
  }
  return `${lines.join('\n')}\n`;
}

export function registerAlarmCommands(program: Command): void {
  const alarm = program.command('alarm').description('alerts: one per cause, with its severity, who took it and what it includes');

  alarm
    .command('list')
    .description('alerts, open first (firing, then acknowledged), newest first')
    .option('--open', 'only open alerts (firing or acknowledged)', false)
    .addOption(new Option('--limit <n>', 'at most this many').default(50).argParser(wholeNumber(1, 1_000)))
    .option('--json', 'print as JSON')
    .addOption(localeOption())
    .addOption(brokerOption())
    .addOption(timeoutOption())
    .action(async (o: ClientOpts & { open: boolean; limit: number; locale?: Locale }) => {
      const options = requestOptions(o);
      const { alerts } = await withController(options, (c) =>
        request(c, 'alert.list', { limit: o.limit, ...(o.open ? { state: 'open' as const } : {}) }, options),
      );
      process.stdout.write(o.json ? `${JSON.stringify(alerts, null, 2)}\n` : formatAlerts(alerts, cliLocale(o.locale)));
    });

  alarm
    .command('ack')
    .description('acknowledge an alert: escalation stops, the incident records who took it')
    .argument('<alert>', 'the alert number (onair alarm list)')
    .option('--comment <text>', 'what you are doing about it')
    .addOption(localeOption())
    .addOption(brokerOption())
    .addOption(timeoutOption())
    .action(async (id: string, o: ClientOpts & { comment?: string; locale?: Locale }) => {
      const alert = alertNumber(id);
      const options = requestOptions(o);
      const acked = await withController(options, (c) =>
        request(c, 'alert.ack', { alert, ...(o.comment ? { comment: o.comment } : {}) }, options),
      );
      process.stdout.write(`${translator(alertingAlerts, cliLocale(o.locale))('cli.acked', { id: acked.id, by: acked.ackedBy ?? '?' })}\n`);
    });

  registerOwnershipCommands(alarm);
}

const alertNumber = (id: string): number => {
  const alert = Number(id.replace(/^#/, ''));
  if (!Number.isInteger(alert) || alert < 1) throw new UserError(translator(alertingAlerts, cliLocale())('cli.badId', { id }));
  return alert;
};

/**
 * `onair alarm take <alert> [--comment]` and `onair alarm release <alert> --comment` (issue 24): who
 * holds an alert. The help is in English (commander's, like every command's); what they print is in
 * the --locale's words (i18n/messages/alarms.ts).
 */
function registerOwnershipCommands(alarm: Command): void {
  const en = translator(alarms, 'en');
  alarm
    .command('take')
    .description(en('cli.take'))
    .argument('<alert>', en('cli.alertArg'))
    .option('--comment <text>', en('cli.takeComment'))
    .addOption(localeOption())
    .addOption(brokerOption())
    .addOption(timeoutOption())
    .action(async (id: string, o: ClientOpts & { comment?: string; locale?: Locale }) => {
      const alert = alertNumber(id);
      const options = requestOptions(o);
      // Who held it before, to say "taken over from …" (the answer is the alert as it is now).
      const { before, taken } = await withController(options, async (c) => {
        const { alerts } = await request(c, 'alert.list', { state: 'open', limit: 1_000 }, options);
        const taken = await request(c, 'alert.take', { alert, ...(o.comment ? { comment: o.comment } : {}) }, options);
        return { before: alerts.find((a) => a.id === alert)?.owner, taken };
      });
      const t = translator(alarms, cliLocale(o.locale));
      const from = before && before.login !== taken.owner?.login ? (before.person ?? before.login) : undefined;
      process.stdout.write(`${from ? t('cli.takenOver', { id: taken.id, from }) : t('cli.taken', { id: taken.id })}\n`);
    });
  alarm
    .command('release')
    .description(en('cli.release'))
    .argument('<alert>', en('cli.alertArg'))
    .requiredOption('--comment <text>', en('cli.releaseComment'))
    .addOption(localeOption())
    .addOption(brokerOption())
    .addOption(timeoutOption())
    .action(async (id: string, o: ClientOpts & { comment: string; locale?: Locale }) => {
      const alert = alertNumber(id);
      const options = requestOptions(o);
      const released = await withController(options, (c) => request(c, 'alert.release', { alert, comment: o.comment }, options));
      process.stdout.write(`${translator(alarms, cliLocale(o.locale))('cli.released', { id: released.id })}\n`);
    });
}
