/** `onair test run|history`: self-tests from the devices' equipment profiles, now or as recorded. */
import { Option, type Command } from 'commander';
import type { Job } from '../protocols/plan-schemas.ts';
import type { SelfTestReport } from '../protocols/registry-operations.ts';
import { brokerOption, timeoutOption, parseSince } from './operator-commands.ts';
import { request, requestOptions, withController, type ClientOpts } from '../client/request-client.ts';
import { formatTime } from './format.ts';
import { wholeNumber } from './numbers.ts';
import { refName } from '../protocols/device-ref.ts';
import { cliOps } from '../i18n/messages/cli-ops.ts';
import { translator } from '../i18n/translator.ts';
import { cliLocale } from './language.ts';

/** A self-test's report in the CLI's language; step names and details are the profile's and the gear's own. */
export function formatSelfTest(r: SelfTestReport, locale = cliLocale()): string {
  const t = translator(cliOps, locale);
  const lines = [t('selfTest', { device: `${r.agent}/${r.device}`, profile: r.profile, result: r.result, ms: String(r.durationMs) })];
  for (const s of r.steps) {
    lines.push(
      `  ${t('step', { status: s.status })}  ${s.name}${s.intrusive ? t('intrusive') : ''}${s.status === 'skipped' ? '' : t('stepMs', { ms: String(s.durationMs) })}${s.detail ? ` — ${s.detail}` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const time = (ts: number | null | undefined): string => formatTime(ts, 'second');

export function formatJob(j: Job, locale = cliLocale()): string {
  const t = translator(cliOps, locale);
  const context = j.show ? t('jobShow', { show: j.show }) : j.schedule ? t('jobSchedule', { schedule: j.schedule }) : '';
  const attempt = j.attempt > 1 ? t('jobAttempt', { n: j.attempt }) : '';
  return `${String(j.id).padStart(5)}  ${time(j.finishedAt ?? j.startedAt ?? j.notBefore)}  ${t('jobKind', { kind: j.kind }).padEnd(11)} ${refName(j).padEnd(24)} ${t('jobState', { state: j.state }).padEnd(9)}${context}${attempt}${j.reason ? `  ${j.reason}` : ''}\n`;
}

export function registerTestCommands(program: Command): void {
  const test = program.command('test').description("self-tests from the devices' equipment profiles");
  test
    .command('run')
    .description(
      'run self-tests now — a device, every member of a slot, or every device of a studio; exits 3 if one fails. Intrusive steps (moves, mutes, light changes) never run on gear that is on air',
    )
    .argument('<target>', 'agent/device, a device id registered once, a slot (studio-a/cam-wide), or a studio')
    .option('--no-intrusive', 'skip intrusive steps even off air')
    .option('--json', 'print the reports as JSON')
    .addOption(timeoutOption(300_000, 'how long to wait for the tests'))
    .addOption(brokerOption())
    .action(async (target: string, o: ClientOpts & { intrusive: boolean }) => {
      const options = requestOptions(o);
      const reports = await withController(options, async (c) => {
        const { slots } = await request(c, 'slot.list', {}, options);
        const slot = slots.find((s) => s.id === target);
        let devices = slot ? [slot.primary, ...slot.backups].map((r) => refName(r)) : [];
        if (!slot) {
          const inStudio = (await request(c, 'device.list', { studio: target }, options)).devices;
          devices = inStudio.length > 0 ? inStudio.map((d) => refName(d)) : [target];
        }
        // In parallel: the controller runs one test per device at a time, a few devices at once.
        return Promise.all(devices.map((device) => request(c, 'test.run', { device, intrusive: o.intrusive }, options)));
      });
      process.stdout.write(
        o.json
          ? `${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`
          : reports.map((r) => formatSelfTest(r)).join(''),
      );
      if (reports.some((r) => r.result === 'failed')) process.exitCode = 3;
    });

  test
    .command('history')
    .description('test jobs (pre-show, maintenance, manual), newest first')
    .option('--device <device>', 'one device')
    .addOption(new Option('--kind <kind>', 'one kind').choices(['preshow', 'maintenance', 'manual']))
    .addOption(new Option('--state <state>', 'one state').choices(['queued', 'running', 'passed', 'failed', 'timed_out', 'skipped']))
    .option('--since <when>', 'ISO time or an age like 7d')
    .option('--limit <n>', 'at most this many', wholeNumber(1, 10_000))
    .option('--json', 'print as JSON')
    .addOption(brokerOption())
    .action(async (o: ClientOpts & { device?: string; kind?: Job['kind']; state?: Job['state']; since?: string; limit?: number }) => {
      const options = requestOptions(o);
      const params = {
        ...(o.device ? { device: o.device } : {}),
        ...(o.kind ? { kind: o.kind } : {}),
        ...(o.state ? { state: o.state } : {}),
        ...(o.since ? { since: parseSince(o.since, Date.now()) } : {}),
        ...(o.limit ? { limit: o.limit } : {}),
      };
      const { jobs } = await withController(options, (c) => request(c, 'test.history', params, options));
      process.stdout.write(o.json ? `${JSON.stringify(jobs, null, 2)}\n` : jobs.map((j) => formatJob(j)).join(''));
    });
}
