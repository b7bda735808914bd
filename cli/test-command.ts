/** `onair test run|history`: self-tests from the devices' equipment profiles, now or as recorded. */
import { Option, type Command } from 'commander';
import type { Job } from '../protocols/plan-schemas.ts';
import type { SelfTestReport } from '../protocols/registry-operations.ts';
import { brokerOption, timeoutOption, parseSince } from './operator-commands.ts';
import { request, requestOptions, withController, type ClientOpts } from '../client/request-client.ts';
import { formatTime } from './format.ts';
import { wholeNumber } from './numbers.ts';
import { refName } from '../protocols/device-ref.ts';

export function formatSelfTest(r: SelfTestReport): string {
  const lines = [`${r.agent}/${r.device} (${r.profile}): ${r.result.toUpperCase()} in ${r.durationMs} ms`];
  for (const s of r.steps) {
    const mark = s.status === 'passed' ? 'pass' : s.status === 'failed' ? 'FAIL' : 'skip';
    lines.push(
      `  ${mark}  ${s.name}${s.intrusive ? ' [intrusive]' : ''}${s.status === 'skipped' ? '' : ` ${s.durationMs} ms`}${s.detail ? ` — ${s.detail}` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const time = (ts: number | null | undefined): string => formatTime(ts, 'second');

export function formatJob(j: Job): string {
  const context = j.show ? ` show ${j.show}` : j.schedule ? ` schedule ${j.schedule}` : '';
  return `${String(j.id).padStart(5)}  ${time(j.finishedAt ?? j.startedAt ?? j.notBefore)}  ${j.kind.padEnd(11)} ${refName(j).padEnd(24)} ${j.state.padEnd(9)}${context}${j.attempt > 1 ? ` (attempt ${j.attempt})` : ''}${j.reason ? `  ${j.reason}` : ''}\n`;
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
        o.json ? `${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n` : reports.map(formatSelfTest).join(''),
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
      process.stdout.write(o.json ? `${JSON.stringify(jobs, null, 2)}\n` : jobs.map(formatJob).join(''));
    });
}
