/** `onair report`: reliability over a period, from the event log — Markdown, JSON or CSV. */
import { LOCALES, type Locale } from '../i18n/locales.ts';
import { cliLocale } from './language.ts';
import { Option, type Command } from 'commander';
import type { ReliabilityReport } from '../protocols/plan-schemas.ts';
import { brokerOption, timeoutOption, parseSince } from './operator-commands.ts';
import { writeFileSync } from 'node:fs';
import { request, requestOptions, userError, withController, type ClientOpts } from '../client/request-client.ts';
import { cliOps } from '../i18n/messages/cli-ops.ts';
import { formatTime } from './format.ts';
import { refName } from '../protocols/device-ref.ts';

const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(3)}%`);
const dur = (ms: number | null): string => {
  if (ms === null) return '—';
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 120_000) return `${(ms / 1_000).toFixed(1)} s`;
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
};
const time = (ts: number | null | undefined): string => formatTime(ts, 'second');

export function reportMarkdown(r: ReliabilityReport): string {
  const out = [
    `# OnAir reliability report${r.studio ? ` — ${r.studio}` : ''}`,
    '',
    `${time(r.since)} → ${time(r.until)} (UTC)`,
    '',
    `**Technical failure rate: ${pct(r.technicalFailureRate)}** (target < ${pct(r.target)}: ${r.targetMet === null ? 'no on-air time' : r.targetMet ? 'MET' : 'MISSED'}) — ${dur(r.downOnAirMs)} with a slot down, the stream impaired or the program faulty in ${dur(r.onAirMs)} on air.`,
    '',
    '## Shows',
    '',
  ];
  if (r.shows.length === 0) out.push('No show was on air in this period.', '');
  for (const s of r.shows) {
    out.push(
      `### ${s.title} (${s.show}, ${s.studio})`,
      '',
      `${time(s.startedAt)} → ${time(s.endedAt)}: ${dur(s.onAirMs)} on air, ${dur(s.downMs)} with a slot down, the stream impaired or the program faulty (${pct(s.onAirMs > 0 ? s.downMs / s.onAirMs : null)}).`,
      '',
    );
    const c = s.content;
    out.push(
      'What viewers saw (counted above):',
      '',
      '| black | frozen | silent | stalled playback |',
      '|---|---|---|---|',
      `| ${dur(c.blackMs)} | ${dur(c.frozenMs)} | ${dur(c.silentMs)} | ${dur(c.stalledMs)} |`,
      '',
    );
    if (c.faults.length)
      out.push(...c.faults.map((f) => `- ${time(f.from)} for ${dur(f.to - f.from)}: ${f.fault} ${f.role} on ${f.agent}/${f.device}`), '');
    out.push(
      '| slot | degraded | down |',
      '|---|---|---|',
      ...s.slots.map((x) => `| ${x.slot} | ${dur(x.degradedMs)} | ${dur(x.downMs)} |`),
      '',
    );
    if (s.failures.length)
      out.push('Failures:', '', ...s.failures.map((f) => `- ${time(f.ts)} ${f.agent}/${f.device} → ${f.to}: ${f.reason}`), '');
    if (s.failovers.length) {
      out.push('| failover | slot | from → to | by | why | detected in | recovered in |', '|---|---|---|---|---|---|---|');
      for (const f of s.failovers)
        out.push(
          `| ${time(f.ts)} ${f.succeeded ? '' : '(FAILED)'} | ${f.slot} | ${f.from} → ${f.to} | ${f.by} | ${f.reason} | ${dur(f.detectMs)} | ${dur(f.recoverMs)} |`,
        );
      out.push('');
    }
    if (s.stream) {
      const st = s.stream;
      out.push(
        `Stream (${st.slot}): ${dur(st.impairedMs)} down or degraded (counted above), ${st.reconnects} reconnect(s), longest outage ${dur(st.longestOutageMs)}, ${st.framesDropped} frames dropped.`,
        '',
      );
      if (st.impairments.length) out.push(...st.impairments.map((i) => `- ${time(i.from)} for ${dur(i.to - i.from)}: ${i.cause}`), '');
    }
    if (s.programCuts.length) {
      out.push('| program | slot | switcher | from → to | taken | after the failover began |', '|---|---|---|---|---|---|');
      for (const c of s.programCuts)
        out.push(
          `| ${time(c.ts)} | ${c.slot} | ${c.switcher} | ${c.from} → ${c.to} | ${c.cut ? 'cut' : 'not cut: another source was on program'} | ${dur(c.sinceFailoverMs)} |`,
        );
      out.push('');
    }
  }
  out.push('## Devices', '', '| device | availability | failures | MTBF | MTTR | down |', '|---|---|---|---|---|---|');
  for (const d of r.devices)
    out.push(
      `| ${d.agent}/${d.device} | ${pct(d.availability)} | ${d.failures} | ${dur(d.mtbfMs)} | ${dur(d.mttrMs)} | ${dur(d.downMs)} |`,
    );
  out.push('', '## Tests', '', '| kind | passed | failed | skipped | pass rate |', '|---|---|---|---|---|');
  for (const [kind, t] of Object.entries(r.tests)) out.push(`| ${kind} | ${t.passed} | ${t.failed} | ${t.skipped} | ${pct(t.passRate)} |`);
  return `${out.join('\n')}\n`;
}

/** Long format — section, subject, metric, value — so any spreadsheet can pivot it. */
export function reportCsv(r: ReliabilityReport): string {
  const rows: Array<[string, string, string, string | number | null]> = [
    ['period', '', 'since', r.since],
    ['period', '', 'until', r.until],
    ['studio', r.studio ?? '', 'technicalFailureRate', r.technicalFailureRate],
    ['studio', r.studio ?? '', 'target', r.target],
    ['studio', r.studio ?? '', 'onAirMs', r.onAirMs],
    ['studio', r.studio ?? '', 'downOnAirMs', r.downOnAirMs],
  ];
  for (const s of r.shows) {
    rows.push(
      ['show', s.show, 'onAirMs', s.onAirMs],
      ['show', s.show, 'downMs', s.downMs],
      ['show', s.show, 'failures', s.failures.length],
      ['show', s.show, 'failovers', s.failovers.length],
      ['show', s.show, 'programCuts', s.programCuts.filter((c) => c.cut).length],
      ['show', s.show, 'blackMs', s.content.blackMs],
      ['show', s.show, 'frozenMs', s.content.frozenMs],
      ['show', s.show, 'silentMs', s.content.silentMs],
      ['show', s.show, 'stalledMs', s.content.stalledMs],
    );
    for (const x of s.slots)
      rows.push(['slot', `${s.show}:${x.slot}`, 'degradedMs', x.degradedMs], ['slot', `${s.show}:${x.slot}`, 'downMs', x.downMs]);
    if (s.stream) {
      const id = `${s.show}:${s.stream.slot}`;
      rows.push(
        ['stream', id, 'impairedMs', s.stream.impairedMs],
        ['stream', id, 'reconnects', s.stream.reconnects],
        ['stream', id, 'longestOutageMs', s.stream.longestOutageMs],
        ['stream', id, 'framesDropped', s.stream.framesDropped],
      );
    }
  }
  for (const d of r.devices) {
    const id = refName(d);
    rows.push(
      ['device', id, 'availability', d.availability],
      ['device', id, 'failures', d.failures],
      ['device', id, 'mtbfMs', d.mtbfMs],
      ['device', id, 'mttrMs', d.mttrMs],
    );
  }
  for (const [kind, t] of Object.entries(r.tests))
    rows.push(
      ['tests', kind, 'passed', t.passed],
      ['tests', kind, 'failed', t.failed],
      ['tests', kind, 'skipped', t.skipped],
      ['tests', kind, 'passRate', t.passRate],
    );
  const cell = (v: string | number | null): string =>
    v === null ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v);
  return `${['section,subject,metric,value', ...rows.map((row) => row.map(cell).join(','))].join('\n')}\n`;
}

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description(
      'reliability from the event log: per show failures, failovers and down time; the technical failure rate against the 1% target; per device availability, MTBF, MTTR; test pass rates',
    )
    .option('--since <when>', 'ISO time or an age like 7d (default 7d)')
    .option('--until <when>', 'ISO time or an age (default now)')
    .option('--studio <studio>', 'only this studio')
    .option(
      '--month <YYYY-MM>',
      "the month's review instead: weekly failure rate against 1%, incidents, maintenance by owner, gear ranking",
    )
    .addOption(
      new Option('--format <f>', 'output (--month: html, csv, json, markdown)')
        .choices(['md', 'markdown', 'json', 'csv', 'html'])
        .default('md'),
    )
    .addOption(new Option('--locale <locale>', "language of the monthly review (default: the CLI's, --lang)").choices(LOCALES))
    .option('-o, --output <file>', 'write it to a file instead of printing it')
    .addOption(timeoutOption(30_000))
    .addOption(brokerOption())
    .action(async (o: ReportOpts) => {
      const now = Date.now();
      const options = requestOptions(o);
      if (o.month !== undefined) return monthReport(o, options);
      if (o.format === 'html')
        throw userError(cliOps, 'htmlIsMonthly', { format: '--format html', month: '--month', formats: 'md, json', last: 'csv' });
      const params = {
        ...(o.since ? { since: parseSince(o.since, now) } : {}),
        ...(o.until ? { until: parseSince(o.until, now) } : {}),
        ...(o.studio ? { studio: o.studio } : {}),
      };
      const report = await withController(options, (c) => request(c, 'report', params, options));
      output(
        o,
        o.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : o.format === 'csv' ? reportCsv(report) : reportMarkdown(report),
      );
    });
}

type ReportOpts = ClientOpts & {
  since?: string;
  until?: string;
  studio?: string;
  month?: string;
  locale?: Locale;
  output?: string;
  format: 'md' | 'markdown' | 'json' | 'csv' | 'html';
};

const output = (o: ReportOpts, content: string): void => (o.output ? writeFileSync(o.output, content) : void process.stdout.write(content));

/** `onair report --month 2026-11`: the monthly review (report.month). */
async function monthReport(o: ReportOpts, options: ReturnType<typeof requestOptions>): Promise<void> {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(o.month!))
    throw userError(cliOps, 'badMonth', { option: '--month', text: o.month, form: 'YYYY-MM', example: '2026-11' });
  if (o.since || o.until) throw userError(cliOps, 'wholeMonth', { option: '--month', since: '--since', until: '--until' });
  const params = {
    month: o.month!,
    format: o.format === 'md' ? ('markdown' as const) : o.format,
    ...(o.studio ? { studio: o.studio } : {}),
    locale: cliLocale(o.locale),
  };
  const doc = await withController(options, (c) => request(c, 'report.month', params, options));
  output(o, doc.content);
}
