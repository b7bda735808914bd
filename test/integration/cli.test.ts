/** The `onair` binary as users run it, against a running controller on an ephemeral port: status, failover, events, mistakes, help. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../cli/program.ts';
import { runOnair } from './helpers.ts';
import { useCliStudio } from './cli-studio.ts';

const studio = useCliStudio();
const { onair } = studio;

describe('onair CLI', () => {
  it('status --json prints the fleet picture', async () => {
    const run = await onair('status', '--json');
    expect(run.code).toBe(0);
    const status = JSON.parse(run.stdout) as { slots: Array<{ slot: string; active: { device: string } }>; devices: unknown[] };
    expect(status.slots[0]).toMatchObject({ slot: 'studio-a/cam-wide', active: { device: 'cam-1' } });
    expect(status.devices).toHaveLength(2);
  });

  it('failover switches by hand, and events shows who did it and why', async () => {
    const run = await onair('failover', 'studio-a/cam-wide', '--to', 'cam-2', '--reason', 'lens smear');
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^studio-a\/cam-wide: agent-a\/cam-1 → agent-a\/cam-2 in \d+ ms\n$/);
    const events = await onair('events', '--json', '--slot', 'studio-a/cam-wide');
    const lines = events.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; reason?: string; by?: string });
    expect(lines).toContainEqual(
      expect.objectContaining({ type: 'failover.succeeded', reason: 'lens smear', by: expect.stringContaining('@') }),
    );
    const human = await onair('events', '--since', '5m');
    expect(human.stdout).toMatch(/failover\.succeeded\s+studio-a\/cam-wide agent-a\/cam-2 {2}\(lens smear\)/);
  });

  it('a user mistake is one clear line and a non-zero exit, never a stack trace', async () => {
    const unknownSlot = await onair('failover', 'studio-z/none', '--reason', 'x');
    expect(unknownSlot.code).toBe(1);
    expect(unknownSlot.stderr).toBe('onair: no slot "studio-z/none"; slots: studio-a/cam-wide\n');

    const noBroker = await onair('status', '--broker', 'mqtt://127.0.0.1:1', '--timeout', '1500');
    expect(noBroker.code).toBe(1);
    expect(noBroker.stderr).toMatch(/^onair: cannot reach the OnAir broker at mqtt:\/\/127\.0\.0\.1:1 .*\n$/);

    const badSince = await onair('events', '--since', 'yesterday-ish');
    expect(badSince.stderr).toBe('onair: --since "yesterday-ish" is neither an ISO time nor an age like 15m\n');

    const missing = await onair('failover', 'studio-a/cam-wide');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/required option '--reason <text>' not specified/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a numeric option out of range or not a number at once, naming the option', async () => {
    // Pointed at a port nobody listens on: an option checked only after connecting would say "cannot
    // reach" instead (no clock involved: a CLI process takes seconds on a loaded machine).
    for (const [args, range] of [
      [['status', '--timeout', '0'], 'from 1 to 3600000 ms'],
      [['status', '--timeout', 'abc'], 'from 1 to 3600000 ms'],
      [['events', '--limit', '-3'], 'from 1 to 10000'],
      [
        ['show', 'add', 'x', '--studio', 's', '--start', '2030-01-01T10:00', '--duration', '30m', '--preshow', 'soon'],
        'from 0 to 10080 minutes',
      ],
    ] as const) {
      const run = await runOnair('mqtt://127.0.0.1:1', ...args);
      expect(run.code, args.join(' ')).not.toBe(0);
      expect(run.stderr, args.join(' ')).toContain(range);
      expect(run.stderr).not.toContain('cannot reach');
    }
  });

  it('a config typo names the file, line and field', async () => {
    const file = path.join(studio.dir, 'agent.yaml');
    writeFileSync(
      file,
      'agentId: a1\ndevices:\n  - id: cam-1\n    driver: simulated\n    prob:\n      intervalMs: 100\n    options: { kind: camera }\n',
    );
    const run = await onair('agent', '--config', file);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`onair: invalid config:\n${file}:5:5: devices.0.prob: unknown field "prob" (did you mean "probe"?)\n`);
  });

  it('has --help for every command', async () => {
    // Every command's and subcommand's help from the command tree itself, in this process: one CLI
    // process per command took 30-60 s on a loaded machine (issue 20 point 19).
    const tree = (c: Command, above: string[]): Array<[string, Command]> =>
      c.commands.flatMap((sub) => {
        const name = [...above, sub.name()];
        return [[name.join(' '), sub] as [string, Command], ...tree(sub, name)];
      });
    const commands = tree(buildProgram(), []);
    expect(commands.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'controller',
        'agent',
        'status',
        'failover',
        'events',
        'on-air',
        'demo',
        'bench',
        'simulate',
        'discover',
        'ports',
        'profile',
        'device',
        'slot',
        'test',
        'show',
        'preshow',
        'schedule',
        'maintenance',
        'report',
        'user',
        'broker',
        'person',
        'studio',
        'contact',
        'duty',
        'alarm',
        'alarm list',
        'alarm ack',
      ]),
    );
    for (const [name, command] of commands) {
      expect(command.helpInformation(), name).toMatch(new RegExp(`^Usage: onair ${name}( |$)`));
      expect(command.description(), `${name} says what it does`).not.toBe('');
    }
    // And the binary prints it as a user sees it: one process.
    const run = await onair('device', 'add', '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: onair device add /);
  });
});
