/** `onair test run <device>`: a registered device's self-test from its profile, now. */
import { Option, type Command } from 'commander';
import type { SelfTestReport } from '../protocols/registry-operations.ts';
import { brokerOption } from './operator-commands.ts';
import { request, requestOptions, withController, type ClientOpts } from './request-client.ts';

export function formatSelfTest(r: SelfTestReport): string {
  const lines = [`${r.agent}/${r.device} (${r.profile}): ${r.result.toUpperCase()} in ${r.durationMs} ms`];
  for (const s of r.steps) {
    const mark = s.status === 'passed' ? 'pass' : s.status === 'failed' ? 'FAIL' : 'skip';
    lines.push(`  ${mark}  ${s.name}${s.intrusive ? ' [intrusive]' : ''}${s.status === 'skipped' ? '' : ` ${s.durationMs} ms`}${s.detail ? ` — ${s.detail}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

export function registerTestCommands(program: Command): void {
  const test = program.command('test').description("self-tests from the devices' equipment profiles");
  test
    .command('run')
    .description('run a registered device\'s self-test now; exits 3 if it fails. Intrusive steps (moves, mutes, light changes) never run on gear serving a slot on air')
    .argument('<device>', 'agent/device, or a device id registered only once')
    .option('--no-intrusive', 'skip intrusive steps even off air')
    .option('--json', 'print the report as JSON')
    .addOption(new Option('--timeout <ms>', 'how long to wait for the whole test').default(300_000).argParser(Number))
    .addOption(brokerOption())
    .action(async (device: string, o: ClientOpts & { intrusive: boolean }) => {
      const options = requestOptions(o);
      const report = await withController(options, (c) => request(c, 'test.run', { device, intrusive: o.intrusive }, options));
      process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : formatSelfTest(report));
      if (report.result === 'failed') process.exitCode = 3;
    });
}
