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
      const alert = Number(id.replace(/^#/, ''));
      if (!Number.isInteger(alert) || alert < 1) throw new UserError(translator(alertingAlerts, cliLocale(o.locale))('cli.badId', { id }));
      const options = requestOptions(o);
      const acked = await withController(options, (c) =>
        request(c, 'alert.ack', { alert, ...(o.comment ? { comment: o.comment } : {}) }, options),
      );
      process.stdout.write(`${translator(alertingAlerts, cliLocale(o.locale))('cli.acked', { id: acked.id, by: acked.ackedBy ?? '?' })}\n`);
    });
}
