/** `onair runbook add <file.md> | show <id> | list`: the prepared plans alerts and notifications quote. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ALERT_KINDS, type AlertKind, type Runbook } from '../protocols/alerting.ts';
import { brokerOption, timeoutOption } from './operator-commands.ts';
import { request, requestOptions, UserError, withController, type ClientOpts } from '../client/request-client.ts';
import { parseRunbookFile } from '../controller/alerting/runbooks/front-matter.ts';
import { reportWords } from '../controller/alerting/incidents/report-words.ts';
import { cliLocale } from './language.ts';

const line = (r: Runbook): string =>
  `${r.id.padEnd(20)} ${r.kind.padEnd(11)} ${(r.role ?? '*').padEnd(10)} ${r.source.padEnd(10)} ${r.title}\n`;

export function registerRunbookCommands(program: Command): void {
  const runbook = program.command('runbook').description('runbooks: the prepared plan for an alert kind and gear role');
  const client = (cmd: Command) => cmd.addOption(timeoutOption()).addOption(brokerOption());

  client(
    runbook
      .command('add')
      .description('add or replace a runbook from a markdown file with YAML front matter (id, kind, role, title)')
      .argument('<file>', 'e.g. runbooks/camera-failed.md'),
  ).action(async (file: string, o: ClientOpts) => {
    let parsed;
    try {
      parsed = parseRunbookFile(readFileSync(file, 'utf8'), path.basename(file));
    } catch (err) {
      throw new UserError(err instanceof Error ? err.message : String(err));
    }
    const options = requestOptions(o);
    const saved = await withController(options, (c) => request(c, 'runbook.add', parsed, options));
    process.stdout.write(line(saved));
  });

  client(runbook.command('list').description('runbooks from the repository and the store').option('--json', 'print JSON')).action(
    async (o: ClientOpts & { json?: boolean }) => {
      const options = requestOptions(o);
      const { runbooks } = await withController(options, (c) => request(c, 'runbook.list', {}, options));
      process.stdout.write(
        o.json
          ? `${JSON.stringify(runbooks, null, 2)}\n`
          : runbooks.map(line).join('') || `${reportWords(cliLocale()).t('cli.noRunbooks')}\n`,
      );
    },
  );

  client(
    runbook
      .command('show')
      .description('one runbook by its id, or the one an alert gets: --kind (and --role)')
      .argument('[id]')
      .option('--kind <kind>', `alert kind: ${ALERT_KINDS.join(', ')}`)
      .option('--role <role>', 'gear role: camera, mic, encoder, program, …')
      .option('--json', 'print JSON'),
  ).action(async (id: string | undefined, o: ClientOpts & { kind?: string; role?: string; json?: boolean }) => {
    if (o.kind !== undefined && !(ALERT_KINDS as readonly string[]).includes(o.kind))
      throw new UserError(`--kind must be one of ${ALERT_KINDS.join(', ')}`);
    if (id === undefined && o.kind === undefined) throw new UserError('name a runbook id, or --kind (and --role)');
    const options = requestOptions(o);
    const params = { ...(id ? { id } : {}), ...(o.kind ? { kind: o.kind as AlertKind } : {}), ...(o.role ? { role: o.role } : {}) };
    const r = await withController(options, (c) => request(c, 'runbook.show', params, options));
    process.stdout.write(
      o.json
        ? `${JSON.stringify(r, null, 2)}\n`
        : `# ${r.title}\n(${r.id}: ${r.kind}${r.role ? `/${r.role}` : ''}, ${r.source})\n\n${r.markdown}\n`,
    );
  });
}
