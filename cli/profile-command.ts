/** `onair profile validate FILE...`: check equipment profiles before they reach the studio. */
import type { Command } from 'commander';
import { brokerOption } from './operator-commands.ts';
import { request, requestOptions, userError, withController, type ClientOpts } from '../client/request-client.ts';
import { wholeNumber } from './numbers.ts';
import { cliGear } from '../i18n/messages/cli-gear.ts';
import { translator } from '../i18n/translator.ts';
import { cliLocale } from './language.ts';

const words = () => translator(cliGear, cliLocale());

export function registerProfileCommands(program: Command): void {
  const profile = program.command('profile').description('equipment profiles (hardware-profiles/*.yaml)');
  profile
    .command('validate')
    .description('check profiles: every error with file, line, column, field and a hint; exits non-zero on any error')
    .argument('<files...>', 'profile YAML files')
    .action(async (files: string[]) => {
      const { validateProfiles } = await import('../protocols/profile-loader.ts');
      const { profiles, errors } = validateProfiles(files);
      const t = words();
      for (const p of profiles)
        process.stdout.write(
          `${t('profileOk', { profile: p.profile, version: p.version, manufacturer: p.manufacturer, model: p.model, driver: p.driver })}\n`,
        );
      for (const e of errors) process.stderr.write(`${e.message}\n`);
      if (errors.length > 0) {
        process.stderr.write(`onair: ${t('profilesWithErrors', { errors: errors.length, files: files.length })}\n`);
        process.exitCode = 2;
      }
    });

  profile
    .command('add')
    .description('validate profiles, then store them in the controller (each addition is an audit event)')
    .argument('<files...>', 'profile YAML files')
    .addOption(brokerOption())
    .action(async (files: string[], o: ClientOpts) => {
      const { validateProfiles } = await import('../protocols/profile-loader.ts');
      const { profiles, errors } = validateProfiles(files);
      if (errors.length > 0) {
        for (const e of errors) process.stderr.write(`${e.message}\n`);
        throw userError(cliGear, 'nothingAdded', { errors: errors.length, files: files.length });
      }
      const options = requestOptions(o);
      await withController(options, async (client) => {
        for (const p of profiles) {
          const result = await request(client, 'profile.add', { profile: p }, options);
          process.stdout.write(
            `${words()('profileAdded', { created: String(result.created), profile: result.profile, version: result.version })}\n`,
          );
        }
      });
    });

  profile
    .command('list')
    .description('profiles stored in the controller')
    .option('--json', 'print as JSON')
    .addOption(brokerOption())
    .action(async (o: ClientOpts) => {
      const options = requestOptions(o);
      const { profiles } = await withController(options, (c) => request(c, 'profile.list', {}, options));
      if (o.json) return void process.stdout.write(`${JSON.stringify(profiles, null, 2)}\n`);
      const t = words();
      for (const p of profiles)
        process.stdout.write(
          `${t('profileVersion', { profile: p.profile, version: p.version }).padEnd(32)} ${p.kind.padEnd(20)} ${p.driver.padEnd(8)} ${p.manufacturer} ${p.model}${t('addedBy', { by: p.addedBy })}\n`,
        );
    });

  profile
    .command('show')
    .description('one stored profile (the newest version unless --version is given)')
    .argument('<profile>', 'profile id')
    .option('--version <n>', 'a specific version', wholeNumber(1, Number.MAX_SAFE_INTEGER))
    .option('--json', 'print as JSON (default: YAML)')
    .addOption(brokerOption())
    .action(async (id: string, o: ClientOpts & { version?: number }) => {
      const options = requestOptions(o);
      const found = await withController(options, (c) =>
        request(c, 'profile.show', { profile: id, ...(o.version ? { version: o.version } : {}) }, options),
      );
      if (o.json) return void process.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
      const { stringify } = await import('yaml');
      const added = words()('addedAt', { by: found.addedBy, at: new Date(found.addedAt).toISOString() });
      process.stdout.write(`# ${added}\n${stringify(found.profile)}`);
    });
}
