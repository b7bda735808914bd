/** `onair profile validate FILE...`: check equipment profiles before they reach the studio. */
import type { Command } from 'commander';

export function registerProfileCommands(program: Command): void {
  const profile = program.command('profile').description('equipment profiles (hardware-profiles/*.yaml)');
  profile
    .command('validate')
    .description('check profiles: every error with file, line, column, field and a hint; exits non-zero on any error')
    .argument('<files...>', 'profile YAML files')
    .action(async (files: string[]) => {
      const { validateProfiles } = await import('../protocols/profile-loader.ts');
      const { driverFacts } = await import('../agent/drivers/facts.ts');
      const { profiles, errors } = validateProfiles(files, driverFacts());
      for (const p of profiles) process.stdout.write(`ok  ${p.profile} v${p.version} (${p.manufacturer} ${p.model}, ${p.driver})\n`);
      for (const e of errors) process.stderr.write(`${e.message}\n`);
      if (errors.length > 0) {
        process.stderr.write(`onair: ${errors.length} of ${files.length} profiles have errors\n`);
        process.exitCode = 2;
      }
    });
}
