/** The `onair` command. User mistakes end in one clear line and a non-zero exit, never a stack trace. */
import { CommanderError } from 'commander';
import { ConfigError } from '../lib/yaml-config.ts';
import { UserError } from '../client/request-client.ts';
import { buildProgram } from './program.ts';
import { cliLocale, say } from './language.ts';

/** How long a failed command's leftovers get to close by themselves. */
const FAILED_EXIT_GRACE_MS = 1_000;

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportError(err);
}
// A command that failed may leave sockets, servers or timers open (a controller whose start failed
// half-way): they must not keep a failed process alive, or a supervisor waits on it for ever instead
// of restarting it. Unref'd: a process with nothing left open has exited long before.
if (process.exitCode !== undefined && process.exitCode !== 0) setTimeout(() => process.exit(), FAILED_EXIT_GRACE_MS).unref();

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // Commander has already printed help, version or its own one-line error.
    return err.exitCode;
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`onair: ${sayOr('invalidConfig', 'invalid config:')}\n${err.message}\n`);
    return 2;
  }
  if (err instanceof UserError) {
    process.stderr.write(`onair: ${err.in(errorLocale())}\n`);
    return 1;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`onair: ${message}\n`);
  if (process.env.ONAIR_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  return 1;
}

/** The language of an error: the CLI's, or English if the language itself is what is wrong (a bad ONAIR_LANG). */
function errorLocale(): ReturnType<typeof cliLocale> {
  try {
    return cliLocale();
  } catch {
    return 'en';
  }
}

/** A word of the error report; English if the language itself is what is wrong (a bad ONAIR_LANG). */
function sayOr(id: Parameters<typeof say>[0], english: string): string {
  try {
    return say(id);
  } catch {
    return english;
  }
}
