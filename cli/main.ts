/** The `onair` command. User mistakes end in one clear line and a non-zero exit, never a stack trace. */
import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from '../lib/yaml-config.ts';
import { UserError } from './request-client.ts';
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

/** How long a failed command's leftovers get to close by themselves. */
const FAILED_EXIT_GRACE_MS = 1_000;

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
addLoginOption(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportError(err);
}
// A command that failed may leave sockets, servers or timers open (a controller whose start failed
// half-way): they must not keep a failed process alive, or a supervisor waits on it for ever instead
// of restarting it. Unref'd: a process with nothing left open has exited long before.
if (process.exitCode !== undefined && process.exitCode !== 0) setTimeout(() => process.exit(), FAILED_EXIT_GRACE_MS).unref();

/**
 * `--user <name>` on every command that talks to the controller (those with --broker): the login,
 * as ONAIR_USER would give it (the password from ONAIR_PASSWORD, or asked without echo).
 */
function addLoginOption(root: Command): void {
  const talking = (c: Command): Command[] => [...(c.options.some((o) => o.long === '--broker') ? [c] : []), ...c.commands.flatMap(talking)];
  for (const command of talking(root)) command.addOption(new Option('--user <name>', 'log in as this user (or ONAIR_USER; password from ONAIR_PASSWORD or asked)'));
  root.hook('preAction', (_root, action) => {
    const user = action.opts<{ user?: string }>().user;
    if (user) process.env.ONAIR_USER = user;
  });
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // Commander has already printed help, version or its own one-line error.
    return err.exitCode;
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`onair: invalid config:\n${err.message}\n`);
    return 2;
  }
  if (err instanceof UserError) {
    process.stderr.write(`onair: ${err.message}\n`);
    return 1;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`onair: ${message}\n`);
  if (process.env.ONAIR_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  return 1;
}
