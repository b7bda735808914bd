/** `onair incident list|show|note|resolve|review|report`: incidents and the post-incident report. */
import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { Incident } from '../protocols/alerting.ts';
import { brokerOption, timeoutOption, parseSince } from './operator-commands.ts';
import { request, requestOptions, UserError, withController, type ClientOpts } from '../client/request-client.ts';
import { formatTime } from './format.ts';
import { timelineLine } from '../controller/alerting/incidents/incident-report.ts';
import { reportWords } from '../controller/alerting/incidents/report-words.ts';
import { summaryIn, textIn } from '../controller/alerting/alerts/summaries.ts';
import { LOCALES, type Locale } from '../i18n/locales.ts';
import { cliLocale } from './language.ts';

/** A command's own --locale (e.g. the language of a report to hand on), over the CLI's language (--lang). */
export const localeOption = (): Option =>
  new Option('--locale <locale>', "language of this command's output (default: the CLI's, --lang)").choices(LOCALES);
const time = (ts: number | undefined): string => formatTime(ts, 'second');
const idArg = (text: string): number => {
  const id = Number(text.replace(/^#/, ''));
  if (!Number.isInteger(id) || id < 1) throw new UserError(reportWords(cliLocale()).t('cli.badId', { id: text }));
  return id;
};

export function formatIncident(i: Incident, locale: Locale): string {
  const { t, duration } = reportWords(locale);
  const ack = i.ackedAt === undefined ? '—' : duration(i.ackedAt - i.openedAt);
  const fixed = i.resolvedAt === undefined ? '—' : duration(i.resolvedAt - i.openedAt);
  return `${t('cli.row', {
    id: String(i.id).padEnd(4),
    state: t(i.state === 'open' ? 'report.state.open' : 'report.state.resolved').padEnd(8),
    opened: time(i.openedAt),
    studio: (i.studio ?? '-').padEnd(12),
    ack: ack.padEnd(8),
    resolved: fixed.padEnd(8),
    impact: duration(i.impactMs).padEnd(8),
    title: textIn(locale, i.title, i.titleMessage),
  })}\n`;
}

/** "what;owner;YYYY-MM-DD" → a follow-up (due at the start of that day, local time). */
export function parseFollowUp(text: string): { what: string; owner: string; due: number } {
  const [what, owner, date, ...rest] = text.split(';').map((s) => s.trim());
  const due = date && /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00`) : Number.NaN;
  if (!what || !owner || Number.isNaN(due) || rest.length)
    throw new UserError(reportWords(cliLocale()).t('cli.badFollowUp', { option: '--follow-up', text, form: '"what;owner;YYYY-MM-DD"' }));
  return { what, owner, due };
}

export function registerIncidentCommands(program: Command): void {
  const incident = program
    .command('incident')
    .description('incidents: one cause, its alerts, who was told, notes, the on-air impact; the post-incident report');
  const client = (cmd: Command, timeoutMs = 10_000) =>
    cmd.addOption(localeOption()).addOption(timeoutOption(timeoutMs)).addOption(brokerOption());
  type Opts = ClientOpts & { locale?: Locale };

  client(
    incident
      .command('list')
      .description('incidents, newest first')
      .addOption(new Option('--state <state>').choices(['open', 'resolved']))
      .option('--since <when>', 'ISO time or an age like 30d')
      .option('--limit <n>', 'at most this many', (v) => Number(v))
      .option('--json', 'print JSON'),
  ).action(async (o: Opts & { state?: 'open' | 'resolved'; since?: string; limit?: number; json?: boolean }) => {
    const options = requestOptions(o);
    const params = {
      ...(o.state ? { state: o.state } : {}),
      ...(o.since ? { since: parseSince(o.since, Date.now()) } : {}),
      ...(o.limit ? { limit: o.limit } : {}),
    };
    const { incidents } = await withController(options, (c) => request(c, 'incident.list', params, options));
    process.stdout.write(
      o.json
        ? `${JSON.stringify(incidents, null, 2)}\n`
        : incidents.map((i) => formatIncident(i, cliLocale(o.locale))).join('') ||
            `${reportWords(cliLocale(o.locale)).t('cli.noIncidents')}\n`,
    );
  });

  client(
    incident
      .command('show')
      .description('one incident: its alerts, notifications and timeline')
      .argument('<id>')
      .option('--json', 'print JSON'),
  ).action(async (id: string, o: Opts & { json?: boolean }) => {
    const options = requestOptions(o);
    const shown = await withController(options, (c) => request(c, 'incident.show', { id: idArg(id) }, options));
    if (o.json) return void process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    const l = cliLocale(o.locale);
    const w = reportWords(l);
    const { t } = w;
    const out = [
      formatIncident(shown.incident, l).trimEnd(),
      t('cli.people', { people: shown.incident.people.join(', ') || '—' }),
      '',
      t('cli.alerts'),
    ];
    out.push(...shown.alerts.map((a) => `  #${a.id} ${a.severity} ${a.state} ${a.kind}: ${summaryIn(l, a)}`));
    out.push(
      '',
      t('cli.notifications'),
      ...shown.notifications.map(
        (n) =>
          `  ${t('cli.notification', { at: time(n.sentAt ?? n.createdAt), person: n.person ?? '-', contact: n.contact, reason: t(`reason.${n.reason}`), state: t(`sent.${n.state}`) })}`,
      ),
    );
    out.push('', t('cli.timeline'), ...shown.timeline.map((e) => `  ${timelineLine(e, w)}`));
    out.push('', t('cli.notes'), ...shown.incident.notes.map((n) => `  ${time(n.at)} ${n.by}: ${n.text}`));
    process.stdout.write(`${out.join('\n')}\n`);
  });

  client(incident.command('note').description('add a note: what was checked, what was done').argument('<id>').argument('<text>')).action(
    async (id: string, text: string, o: Opts) => {
      const options = requestOptions(o);
      const done = await withController(options, (c) => request(c, 'incident.note', { id: idArg(id), text }, options));
      process.stdout.write(formatIncident(done, cliLocale(o.locale)));
    },
  );

  client(
    incident
      .command('resolve')
      .description('close an incident; its on-air impact is measured over its window')
      .argument('<id>')
      .option('--note <text>', 'a closing note'),
    30_000,
  ).action(async (id: string, o: Opts & { note?: string }) => {
    const options = requestOptions(o);
    const done = await withController(options, (c) =>
      request(c, 'incident.resolve', { id: idArg(id), ...(o.note ? { note: o.note } : {}) }, options),
    );
    process.stdout.write(formatIncident(done, cliLocale(o.locale)));
  });

  client(
    incident
      .command('review')
      .description('complete the post-incident report: cause, fix, follow-up actions')
      .argument('<id>')
      .option('--cause <text>', 'what caused it')
      .option('--fix <text>', 'what fixed it')
      .option(
        '--follow-up <what;owner;YYYY-MM-DD>',
        'a follow-up action (repeat for several; replaces the list)',
        (v, all: string[] = []) => [...all, v],
      ),
  ).action(async (id: string, o: Opts & { cause?: string; fix?: string; followUp?: string[] }) => {
    const options = requestOptions(o);
    const params = {
      id: idArg(id),
      ...(o.cause ? { cause: o.cause } : {}),
      ...(o.fix ? { fix: o.fix } : {}),
      ...(o.followUp ? { followUps: o.followUp.map(parseFollowUp) } : {}),
    };
    const done = await withController(options, (c) => request(c, 'incident.review', params, options));
    process.stdout.write(formatIncident(done, cliLocale(o.locale)));
  });

  client(
    incident
      .command('report')
      .description('the post-incident report: markdown, or a self-contained printable HTML page')
      .argument('<id>')
      .addOption(new Option('--format <f>', 'output').choices(['markdown', 'html']).default('markdown'))
      .option('-o, --output <file>', 'write it to a file instead of printing it'),
    30_000,
  ).action(async (id: string, o: Opts & { format: 'markdown' | 'html'; output?: string }) => {
    const options = requestOptions(o);
    const params = { id: idArg(id), format: o.format, locale: cliLocale(o.locale) };
    const doc = await withController(options, (c) => request(c, 'incident.report', params, options));
    if (o.output) writeFileSync(o.output, doc.content);
    else process.stdout.write(doc.content);
  });
}
