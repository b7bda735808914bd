import { ConfigError } from '../../lib/yaml-config.ts';

/** The lines of the ConfigError `run` throws (`file:line:col: path: message (hint)`); a test error when it throws none. */
export function configProblems(run: () => unknown): string[] {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err.message.split('\n');
    throw err;
  }
  throw new Error('expected a ConfigError');
}
