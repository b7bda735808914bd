/** The `onair` command tree, built fresh for each parse (main.ts) or inspection (tests: every command's help). */
import { Command, Option } from 'commander';
import { registerRuntimeCommands } from './runtime-commands.ts';
import { registerOperatorCommands } from './operator-commands.ts';
import { registerBenchCommand, registerDemoCommands } from './demo-command.ts';
import { registerSimulateCommand } from './simulate-command.ts';
import { registerDiscoverCommand } from './discover-command.ts';
import { registerPortsCommand } from './ports-command.ts';
import { registerProfileCommands } from './profile-command.ts';
import { registerDeviceCommands } from './device-command.ts';
import { registerSlotCommands } from './slot-command.ts';
import { registerTestCommands } from './test-command.ts';
import { registerShowCommands } from './show-command.ts';
import { registerReportCommand } from './report-command.ts';
import { registerMaintenanceCommands } from './maintenance-command.ts';
import { registerIdentityCommands } from './identity-commands.ts';
import { registerPeopleCommands } from './people-commands.ts';
import { registerDutyCommands } from './duty-command.ts';
import { registerIncidentCommands } from './incident-command.ts';
import { registerRunbookCommands } from './runbook-command.ts';
import { registerAlarmCommands } from './alarm-command.ts';
import { checkedLocale } from './language.ts';

export function buildProgram(): Command {
  const program = new Command('onair')
    .description('OnAir keeps live shows on air: equipment health, automatic failover, maintenance.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  registerRuntimeCommands(program);
  registerOperatorCommands(program);
  registerDemoCommands(program);
  registerBenchCommand(program);
  registerSimulateCommand(program);
  registerDiscoverCommand(program);
  registerPortsCommand(program);
  registerProfileCommands(program);
  registerDeviceCommands(program);
  registerSlotCommands(program);
  registerTestCommands(program);
  registerShowCommands(program);
  registerMaintenanceCommands(program);
  registerReportCommand(program);
  registerIdentityCommands(program);
  registerPeopleCommands(program);
  registerDutyCommands(program);
  registerIncidentCommands(program);
  registerRunbookCommands(program);
  registerAlarmCommands(program);
  addLoginOption(program);
  addLanguageOption(program);
  return program;
}

/**
 * `--lang zh-CN|zh-TW|en` on `onair` itself (before or after the command): the language of what it
 * prints, handed on as ONAIR_LANG as --user is as ONAIR_USER (cli/language.ts reads it, with LANG).
 */
function addLanguageOption(root: Command): void {
  root.addOption(
    new Option('--lang <language>', 'language of the output: zh-CN, zh-TW or en (or ONAIR_LANG; else LC_ALL/LANG; else zh-CN)'),
  );
  root.hook('preAction', (self) => {
    const lang = self.opts<{ lang?: string }>().lang;
    if (lang) process.env.ONAIR_LANG = checkedLocale(lang);
  });
}

/**
 * `--user <name>` on every command that talks to the controller (those with --broker): the login,
 * as ONAIR_USER would give it (the password from ONAIR_PASSWORD, or asked without echo).
 */
function addLoginOption(root: Command): void {
  const talking = (c: Command): Command[] => [...(c.options.some((o) => o.long === '--broker') ? [c] : []), ...c.commands.flatMap(talking)];
  for (const command of talking(root))
    command.addOption(new Option('--user <name>', 'log in as this user (or ONAIR_USER; password from ONAIR_PASSWORD or asked)'));
  root.hook('preAction', (_root, action) => {
    const user = action.opts<{ user?: string }>().user;
    if (user) process.env.ONAIR_USER = user;
  });
}
