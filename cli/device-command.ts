/** `onair device add|list|show|remove`: register physical units of a profile with the controller. */
import type { Command } from 'commander';
import { brokerOption } from './operator-commands.ts';
import { request, requestOptions, userError, withController, type ClientOpts } from '../client/request-client.ts';
import { mergeSettings } from '../protocols/profile.ts';
import { DRIVER_SPECS } from '../protocols/drivers/index.ts';
import { unitProblems } from '../protocols/drivers/checks.ts';
import { refName } from '../protocols/device-ref.ts';
import { MediaRole } from '../protocols/media.ts';
import type { MediaSettings } from '../protocols/media-config.ts';
import { Value } from '@sinclair/typebox/value';
import { cliGear } from '../i18n/messages/cli-gear.ts';
import { translator } from '../i18n/translator.ts';
import { cliLocale, say } from './language.ts';

/** The words of these commands in the CLI's language (refusals are userErrors: English inside, printed in it). */
const words = () => translator(cliGear, cliLocale());

function parseRef(text: string): { agent: string; device: string } {
  const m = /^([A-Za-z0-9][A-Za-z0-9_.:-]*)\/([A-Za-z0-9][A-Za-z0-9_.:-]*)$/.exec(text);
  if (!m) throw userError(cliGear, 'notRef', { text, form: 'agent/device' });
  return { agent: m[1]!, device: m[2]! };
}

/**
 * `--set key=value`: numbers and booleans as such, `[…]` / `{…}` as JSON, the rest as text; a dotted
 * key sets one entry inside an object (`scenes.interview=[180,0,0,0]` adds a scene to the profile's).
 * Secrets only by reference.
 */
export function parseSettings(pairs: string[]): Record<string, unknown> {
  let out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw userError(cliGear, 'notPair', { option: '--set', text: pair, form: 'key=value' });
    const key = pair.slice(0, eq);
    const path = key.split('.');
    if (path.some((p) => p === '')) throw userError(cliGear, 'emptyKeyPart', { option: '--set', key });
    if (/pass(word)?$/i.test(path.at(-1)!))
      throw userError(cliGear, 'noSecrets', { option: '--set', key, reference: 'passwordEnv=VARIABLE' });
    const value = settingValue(key, pair.slice(eq + 1));
    out = mergeSettings(
      out,
      path.reduceRight<Record<string, unknown>>((inner, part, i) => ({ [part]: i === path.length - 1 ? value : inner }), {}),
    );
  }
  return out;
}

/** `key=value` pairs, flat (self-test and activate parameters): numbers, booleans and JSON as in --set. */
export function parseParams(pairs: string[], option: string): Record<string, unknown> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw userError(cliGear, 'notPair', { option, text: pair, form: 'key=value' });
      return [pair.slice(0, eq), settingValue(pair.slice(0, eq), pair.slice(eq + 1))];
    }),
  );
}

export function settingValue(key: string, raw: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (!/^[[{]/.test(raw)) return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch (err) {
    throw userError(cliGear, 'badJson', { option: '--set', key, raw, error: (err as Error).message });
  }
}

type MediaFlags = { mediaUrl?: string; mediaStream?: string | true; mediaRole?: string };

/**
 * A unit's media from its flags: `--media-url` or `--media-stream [token]` (not both), `--media-role`.
 * A role alone needs a source from the profile: without one nothing would be watched, silently.
 */
export function mediaSettings(o: MediaFlags, fromProfile: MediaSettings | undefined): MediaSettings | undefined {
  if (o.mediaUrl !== undefined && o.mediaStream !== undefined)
    throw userError(cliGear, 'oneOf', { first: '--media-url', second: '--media-stream' });
  const source: MediaSettings['source'] =
    o.mediaUrl !== undefined
      ? { url: o.mediaUrl }
      : o.mediaStream !== undefined
        ? { fromDriver: 'stream', ...(typeof o.mediaStream === 'string' ? { mediaProfile: o.mediaStream } : {}) }
        : undefined;
  let role: MediaRole | undefined;
  if (o.mediaRole !== undefined) {
    if (!Value.Check(MediaRole, o.mediaRole))
      throw userError(cliGear, 'badRole', { option: '--media-role', role: o.mediaRole, choices: 'source, program', last: 'playback' });
    role = o.mediaRole;
  }
  if (!source && !role) return undefined;
  if (!source && !fromProfile?.source)
    throw userError(cliGear, 'roleNeedsSource', { option: '--media-role', url: '--media-url URL', stream: '--media-stream' });
  return { ...(source ? { source } : {}), ...(role ? { role } : {}) };
}

export function registerDeviceCommands(program: Command): void {
  const device = program.command('device').description('registered devices (a profile plus its connection, studio and agent)');

  device
    .command('add')
    .description('register a device, or change one; its connection is checked against its driver first')
    .argument('<agent/device>', 'the agent that drives it and the device id')
    .requiredOption('--profile <id[@version]>', 'profile id, optionally @version (default: the newest)')
    .option('--studio <studio>', 'where it is')
    .option('--label <text>', 'what the studio calls it ("Wide camera"): the console shows it before the id')
    .option('--set <key=value...>', 'connection options over the profile defaults (path=/dev/…, host=…, passwordEnv=CAM_PASSWORD)', [])
    .option('--helper <role=device...>', 'devices that watch this one in its self-test, e.g. light-sensor=agent-b/gpio-1', [])
    .option(
      '--test-param <key=value...>',
      "this unit's values for its profile's self-test parameters, e.g. preset=p1 (a preset token this camera has)",
      [],
    )
    .option('--media-url <url>', "watch this unit's picture and sound at this URL (rtsp://, srt://, rtmp://, udp://, an HLS playlist)")
    .option(
      '--media-stream [media-profile]',
      'watch the stream its driver finds (ONVIF GetStreamUri), optionally of this media profile token (default: the lowest resolution)',
    )
    .option(
      '--media-role <role>',
      'what its media is to the show: source, program (what the switcher sends) or playback (what viewers get)',
    )
    .addOption(brokerOption())
    .action(
      async (
        refText: string,
        o: ClientOpts & {
          profile: string;
          studio?: string;
          label?: string;
          set: string[];
          helper: string[];
          testParam: string[];
        } & MediaFlags,
      ) => {
        const ref = parseRef(refText);
        const [profileId, versionText] = o.profile.split('@') as [string, string | undefined];
        const settings = parseSettings(o.set);
        const helpers = Object.fromEntries(
          o.helper.map((h) => {
            const m = /^([a-z][a-z0-9-]*)=(.+)$/.exec(h);
            if (!m)
              throw userError(cliGear, 'notPairExample', {
                option: '--helper',
                text: h,
                form: 'role=device',
                example: 'light-sensor=agent-b/gpio-1',
              });
            return [m[1]!, m[2]!];
          }),
        );
        const options = requestOptions(o);
        await withController(options, async (client) => {
          const { profile } = await request(
            client,
            'profile.show',
            { profile: profileId, ...(versionText ? { version: Number(versionText) } : {}) },
            options,
          );
          const spec = DRIVER_SPECS.get(profile.driver);
          if (!spec) throw userError(cliGear, 'noDriver', { ref: refText, profile: profile.profile, driver: profile.driver });
          const testParams = parseParams(o.testParam, '--test-param');
          const media = mediaSettings(o, profile.media);
          const problems = unitProblems(spec, profile, mergeSettings(profile.connection, settings), testParams);
          if (problems.length > 0)
            throw userError(cliGear, 'invalidUnit', { ref: refText, driver: profile.driver, problems: problems.join('\n  ') });
          const registration = {
            ...ref,
            profile: profile.profile,
            profileVersion: profile.version,
            ...(o.studio ? { studio: o.studio } : {}),
            ...(o.label ? { label: o.label } : {}),
            options: settings,
            ...(o.testParam.length ? { testParams } : {}),
            ...(o.helper.length ? { helpers } : {}),
            ...(media ? { media } : {}),
          };
          const result = await request(client, 'device.add', { registration }, options);
          const t = words();
          const saved = { created: String(result.created), ref: `${result.agent}/${result.device}` };
          process.stdout.write(`${t('deviceSaved', { ...saved, profile: profile.profile, version: profile.version })}\n`);
          for (const note of result.notes ?? []) process.stdout.write(`${t('note', { note })}\n`);
        });
      },
    );

  device
    .command('list')
    .description('registered devices: profile, studio, whether their agent runs them, and their health')
    .option('--agent <agent>', 'only this agent')
    .option('--studio <studio>', 'only this studio')
    .option('--json', 'print as JSON')
    .addOption(brokerOption())
    .action(async (o: ClientOpts & { agent?: string; studio?: string }) => {
      const options = requestOptions(o);
      const { devices } = await withController(options, (c) =>
        request(c, 'device.list', { ...(o.agent ? { agent: o.agent } : {}), ...(o.studio ? { studio: o.studio } : {}) }, options),
      );
      if (o.json) return void process.stdout.write(`${JSON.stringify(devices, null, 2)}\n`);
      const t = words();
      for (const d of devices) {
        const where = refName(d).padEnd(28);
        const profile = t('profileVersion', { profile: d.profile, version: d.profileVersion });
        const deployment = t('deployment', { deployment: d.deployment });
        process.stdout.write(
          `${where} ${profile.padEnd(30)} ${(d.studio ?? '-').padEnd(12)} ${deployment.padEnd(8)} ${say('state', { state: d.status }).padEnd(9)}${d.slots.join(', ')}${d.problem ? `  (${d.problem})` : ''}\n`,
        );
      }
    });

  device
    .command('show')
    .description('one registered device')
    .argument('<agent/device>')
    .addOption(brokerOption())
    .action(async (refText: string, o: ClientOpts) => {
      const options = requestOptions(o);
      const found = await withController(options, (c) => request(c, 'device.show', parseRef(refText), options));
      process.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
    });

  device
    .command('remove')
    .description('unregister a device')
    .argument('<agent/device>')
    .requiredOption('--reason <text>', 'recorded in the audit log')
    .addOption(brokerOption())
    .action(async (refText: string, o: ClientOpts & { reason: string }) => {
      const options = requestOptions(o);
      const removed = await withController(options, (c) =>
        request(c, 'device.remove', { ...parseRef(refText), reason: o.reason }, options),
      );
      process.stdout.write(`${words()('removed', { id: `${removed.agent}/${removed.device}` })}\n`);
    });
}
