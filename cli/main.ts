/** The `onair` command. User mistakes end in one clear line and a non-zero exit, never a stack trace. */
import { CommanderError } from 'commander';
import { ConfigError } from '../lib/yaml-config.ts';
import { UserError } from './request-client.ts';
import { buildProgram } from './program.ts';

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportError(err);
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
