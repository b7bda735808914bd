/** `onair demo` (the main job, on simulated gear) and `onair bench`. */
import { Option, type Command } from 'commander';
import { createLogger } from '../lib/logger.ts';
import { spawnSync } from 'node:child_process';
import { isMediaScenario, SCENARIOS, type Scenario } from './demo/scenarios.ts';
import { wholeNumber } from './numbers.ts';
import { UserError } from '../client/request-client.ts';

export function registerDemoCommands(program: Command): void {
  program
    .command('demo')
    .description('run a studio on simulated gear, go on air, break the primary camera and show the failover')
    .addOption(new Option('--scenario <name>', 'what breaks').choices(SCENARIOS).default('camera-failure'))
    .option('--json', 'print only the summary, as one JSON object')
    .option('--in-process', 'use in-process simulated devices instead of the wire-protocol simulators')
    .option('--console', 'keep the studio running after the story, with the engineer console open in a browser, until Ctrl-C')
    .option('--http-port <n>', 'the console and API port (default: a free one)', wholeNumber(0, 65_535), 0)
    .action(async (o: { scenario: Scenario; json?: boolean; inProcess?: boolean; console?: boolean; httpPort: number }) => {
      const { Studio } = await import('../studio-harness/studio.ts');
      const { StudioHardware } = await import('../studio-harness/hardware.ts');
      const { formatSummary, runScenario } = await import('./demo/scenario.ts');
      const { runStreamScenario } = await import('./demo/stream-scenario.ts');
      const { runMediaScenario } = await import('./demo/media-scenarios.ts');
      const media = isMediaScenario(o.scenario);
      if ((o.scenario === 'stream-failure' || media) && o.inProcess)
        throw new UserError(`the ${o.scenario} scenario needs the wire-protocol simulators: run it without --in-process`);
      if (media && o.scenario !== 'battery' && !ffmpegInstalled())
        throw new UserError(`the ${o.scenario} scenario needs real picture and sound: ffmpeg is not installed (apt-get install ffmpeg)`);
      // Component logs go to stderr (quiet unless ONAIR_LOG_LEVEL says otherwise); the story goes to stdout.
      const log = createLogger({ level: process.env.ONAIR_LOG_LEVEL ?? 'silent', fd: 2 });
      const story: string[] = [];
      const say = (line: string): void => {
        story.push(line);
        if (!o.json) process.stdout.write(`${line}\n`);
      };
      // Real media (ffmpeg streams and their watches) only where the scenario needs it: it costs CPU.
      const hardware = o.inProcess ? undefined : new StudioHardware({ media: media && o.scenario !== 'battery' });
      let studio: InstanceType<typeof Studio> | undefined;
      let summary;
      try {
        const agents = hardware ? await hardware.start() : undefined;
        if (hardware)
          say(
            'Studio gear: ONVIF camera (HTTP/SOAP), VISCA camera (serial pty), 2 Shure receivers (TCP), 2 Enttec DMX widgets with RDM fixtures and a Firmata GPIO board with the camera tallies (serial ptys), OBS Studio as program switcher and two as stream encoders (WebSocket).',
          );
        if (hardware && media && o.scenario !== 'battery')
          say(
            "Real media (ffmpeg): the ONVIF camera serves its substream over SRT (GetStreamUri) and agent-a watches cam-1's picture; each mic's sound comes as an MPEG-TS feed over UDP, watched by its agent.",
          );
        studio = new Studio({
          log,
          controller: { detection: { recoverAfterMs: 3_000 }, http: { port: o.httpPort, host: '127.0.0.1' } },
          ...(agents ? { agents, agentEnv: hardware!.env, slots: hardware!.slots() } : {}),
        });
        await studio.start();
        const admin = studio.adminLogin();
        say(
          `Engineer console: ${studio.controller.httpUrl}/console/ — log in as ${admin.user} / ${admin.password}${o.console ? '' : ' (onair demo --console keeps it open after the story)'}`,
        );
        say(
          `Logins as in production: the broker refuses anonymous clients; ${studio
            .agents()
            .map((a) => a.id)
            .join(
              ' and ',
            )} log in with enrolled credentials read from 0600 files; requests are made as the admin "demo". Prometheus metrics: ${studio.controller.httpUrl ?? '(HTTP off)'}/metrics`,
        );
        summary = isMediaScenario(o.scenario)
          ? await runMediaScenario(studio, o.scenario, say, hardware!)
          : o.scenario === 'stream-failure'
            ? await runStreamScenario(studio, say, hardware!)
            : await runScenario(studio, o.scenario, say, hardware);
        if (!summary.ok) process.stderr.write(failureReport(story, studio.agentLogTails(40)));
        if (o.console) {
          process.stdout.write(o.json ? `${JSON.stringify(summary)}\n` : formatSummary(summary));
          say(`The studio keeps running: ${studio.controller.httpUrl}/console/ (${admin.user} / ${admin.password}). Ctrl-C ends it.`);
          await untilInterrupted();
          process.exitCode = summary.ok ? 0 : 1;
          return;
        }
      } catch (err) {
        process.stderr.write(failureReport(story, studio?.agentLogTails(40) ?? {}));
        throw err;
      } finally {
        await studio?.stop();
        await hardware?.stop();
      }
      process.stdout.write(o.json ? `${JSON.stringify(summary)}\n` : formatSummary(summary));
      process.exitCode = summary.ok ? 0 : 1;
    });
}

export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description(
      "measure health throughput, handling latency, failover latency, agent memory, a fleet reconnect storm, the console's first paint, and picture and sound faults' detection and cost",
    )
    .option('--agents <n>', 'simulated agents for the throughput run', wholeNumber(1, 10_000), 50)
    .option('--devices <n>', 'devices per agent for the throughput run', wholeNumber(1, 1_000), 20)
    .option(
      '--rate <n>',
      'health messages per second offered (above the 20,000/s target, so the target can show)',
      wholeNumber(1, 1_000_000),
      22_000,
    )
    .option('--seconds <n>', 'measured seconds of the throughput run', wholeNumber(1, 3_600), 10)
    .option('--samples <n>', 'failovers measured per kind (crash, hung)', wholeNumber(1, 1_000), 30)
    .option('--media-trials <n>', 'trials per content fault (black, frozen, silent) of the media bench', wholeNumber(1, 1_000), 20)
    .option('--json', 'print the report as JSON')
    .action(
      async (o: {
        agents: number;
        devices: number;
        rate: number;
        seconds: number;
        samples: number;
        mediaTrials: number;
        json?: boolean;
      }) => {
        const { runBench, formatReport } = await import('../bench/run.ts');
        const report = await runBench(
          {
            agents: o.agents,
            devicesPerAgent: o.devices,
            rate: o.rate,
            seconds: o.seconds,
            samples: o.samples,
            mediaTrials: o.mediaTrials,
          },
          (line) => {
            if (!o.json) process.stderr.write(`${line}\n`);
          },
        );
        process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
      },
    );
}

/** Debian's ffmpeg on the PATH (the agents' media watches and the simulators' streams run it). */
function ffmpegInstalled(): boolean {
  return spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
}

/** Resolves on Ctrl-C or SIGTERM (the studio is then stopped in order). */
function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/** When the demo fails, what it saw and what the agents logged, so the failure can be read and not only counted. */
function failureReport(story: string[], agentLogs: Record<string, string[]>): string {
  const lines = ['onair demo failed. What happened:', ...story.map((l) => `  ${l}`)];
  for (const [agent, tail] of Object.entries(agentLogs)) lines.push(`Last lines of ${agent}'s log:`, ...tail.map((l) => `  ${l}`));
  return `${lines.join('\n')}\n`;
}
