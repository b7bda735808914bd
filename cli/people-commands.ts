/**
 * `onair person|studio|contact …`: who a studio names (responsible engineer, emergency lead, manager)
 * and how each person is reached. A contact point's secret is read from a file or stdin, never from
 * the command line (other users of the machine see command lines: docs/security.md).
 */
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { CONTACT_KINDS, type ContactPointView, type Locale } from '../protocols/alerting.ts';
import { isLocale, LOCALES } from '../i18n/locales.ts';
import { request, requestOptions, UserError, withController, type ClientOpts } from '../client/request-client.ts';
import { brokerOption } from './operator-commands.ts';
import { wholeNumber } from './numbers.ts';
import { say } from './language.ts';

const print = (line: string): void => void process.stdout.write(`${line}\n`);
const json = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
const list = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function locale(text: string | undefined): Locale | undefined {
  if (text === undefined) return undefined;
  if (!isLocale(text)) throw new UserError(say('badLocale', { option: '--locale', locale: text, choices: LOCALES.join(', ') }));
  return text;
}

/** A secret from a file, or stdin for "-"; the trailing newline an editor adds is not part of it. */
export function readSecret(file: string): string {
  const secret = readFileSync(file === '-' ? 0 : file, 'utf8').replace(/\r?\n$/, '');
  if (!secret) throw new UserError(say('emptySecret', { file }));
  return secret;
}

export const contactLine = (c: ContactPointView): string =>
  `${c.id.padEnd(20)} ${c.kind.padEnd(9)} ${c.to}${c.phone ? `  ${c.phone}` : ''}${c.hasSecret ? `  ${say('secretStored')}` : ''}${c.maxPerMinute ? `  ≤${c.maxPerMinute}/min` : ''}`;

export function registerPeopleCommands(program: Command): void {
  const person = program.command('person').description('the people studios name: who is told about a fault, and how');
  person
    .command('add')
    .description('add or update a person (their contact points are tried in order for every notification)')
    .argument('<id>')
    .requiredOption('--name <name>', 'as colleagues call them, e.g. "王工 (Wang Lei)"')
    .option('--login <login>', 'their console/CLI login, so an acknowledgement names them')
    .option('--locale <locale>', `the language of their notifications: ${LOCALES.join(', ')}`)
    .option('--contact <ids>', 'contact points, comma-separated, in order', '')
    .addOption(brokerOption())
    .action(async (id: string, o: ClientOpts & { name: string; login?: string; locale?: string; contact: string }) => {
      const options = requestOptions(o);
      const lang = locale(o.locale);
      const p = { id, name: o.name, contacts: list(o.contact), ...(o.login ? { login: o.login } : {}), ...(lang ? { locale: lang } : {}) };
      const saved = await withController(options, (c) => request(c, 'person.add', p, options));
      print(say('personSaved', { id: saved.id, name: saved.name, contacts: saved.contacts.join(', ') || undefined }));
    });
  person
    .command('list')
    .description('everyone the studios name')
    .option('--json', 'print as JSON')
    .addOption(brokerOption())
    .action(async (o: ClientOpts) => {
      const options = requestOptions(o);
      const { people } = await withController(options, (c) => request(c, 'person.list', {}, options));
      if (o.json) return json(people);
      if (people.length === 0) return print(say('nothing'));
      for (const p of people)
        print(
          `${p.id.padEnd(16)} ${p.name.padEnd(24)} ${(p.login ?? '').padEnd(12)} ${(p.locale ?? '').padEnd(6)} ${p.contacts.join(', ')}`,
        );
    });
  person
    .command('remove')
    .description('remove a person (refused while a studio, a show, a duty shift or a follow-up names them)')
    .argument('<id>')
    .addOption(brokerOption())
    .action(async (id: string, o: ClientOpts) => {
      const options = requestOptions(o);
      await withController(options, (c) => request(c, 'person.remove', { id }, options));
      print(say('removed', { id }));
    });

  const studio = program.command('studio').description("a studio's people: told in this order when nobody acknowledges");
  studio
    .command('set')
    .description("set a studio's responsible engineer, emergency lead and manager")
    .argument('<id>')
    .requiredOption('--responsible <person>', 'told first (when no show owner or on-call person is)')
    .option('--lead <person>', 'the emergency lead: told next')
    .option('--manager <person>', 'the studio manager: told last')
    .option('--name <name>', 'as people call the studio')
    .addOption(brokerOption())
    .action(async (id: string, o: ClientOpts & { responsible: string; lead?: string; manager?: string; name?: string }) => {
      const options = requestOptions(o);
      const s = {
        id,
        responsible: o.responsible,
        ...(o.lead ? { emergencyLead: o.lead } : {}),
        ...(o.manager ? { manager: o.manager } : {}),
        ...(o.name ? { name: o.name } : {}),
      };
      const saved = await withController(options, (c) => request(c, 'studio.set', s, options));
      print(say('studioSaved', { id: saved.id, responsible: saved.responsible, lead: saved.emergencyLead, manager: saved.manager }));
    });
  studio
    .command('list')
    .description('studios and their people')
    .option('--json', 'print as JSON')
    .addOption(brokerOption())
    .action(async (o: ClientOpts) => {
      const options = requestOptions(o);
      const { studios } = await withController(options, (c) => request(c, 'studio.list', {}, options));
      if (o.json) return json(studios);
      if (studios.length === 0) return print(say('nothing'));
      for (const s of studios)
        print(say('studioSaved', { id: s.id, responsible: s.responsible, lead: s.emergencyLead, manager: s.manager }));
    });

  const contact = program.command('contact').description('contact points: e-mail, webhooks, chat robots, an SMS gateway');
  contact
    .command('add')
    .description('add or update a contact point (what is given replaces what was stored, the secret too)')
    .argument('<id>')
    .addOption(new Option('--kind <kind>', 'how it is reached').choices([...CONTACT_KINDS]).makeOptionMandatory())
    .requiredOption('--to <address>', "e-mail: the address; every other kind: the webhook's (the SMS gateway's) URL")
    .option('--secret-file <file>', 'the HMAC key or the robot signing secret, from this file (- : stdin)')
    .option('--secret <secret>', 'refused: a secret on the command line is seen by every user of the machine')
    .option('--phone <number>', 'sms: the number texted; wecom/dingtalk: the mobile to @-mention')
    .option('--max-per-minute <n>', 'at most this many notifications a minute (the rest go into a digest)', wholeNumber(1, 600))
    .option('--locale <locale>', `the language of its notifications: ${LOCALES.join(', ')}`)
    .addOption(brokerOption())
    .action(
      async (
        id: string,
        o: ClientOpts & {
          kind: (typeof CONTACT_KINDS)[number];
          to: string;
          secretFile?: string;
          secret?: string;
          phone?: string;
          maxPerMinute?: number;
          locale?: string;
        },
      ) => {
        if (o.secret !== undefined) throw new UserError(say('secretArgv', { option: '--secret-file <file>' }));
        const lang = locale(o.locale);
        const point = {
          id,
          kind: o.kind,
          to: o.to,
          ...(o.secretFile ? { secret: readSecret(o.secretFile) } : {}),
          ...(o.phone ? { phone: o.phone } : {}),
          ...(o.maxPerMinute ? { maxPerMinute: o.maxPerMinute } : {}),
          ...(lang ? { locale: lang } : {}),
        };
        const options = requestOptions(o);
        const saved = await withController(options, (c) => request(c, 'contact.add', point, options));
        print(say('contactSaved', { id: saved.id, kind: saved.kind, to: saved.to, secret: saved.hasSecret ? say('withSecret') : '' }));
      },
    );
  contact
    .command('list')
    .description('contact points (secrets are never shown)')
    .option('--json', 'print as JSON')
    .addOption(brokerOption())
    .action(async (o: ClientOpts) => {
      const options = requestOptions(o);
      const { contacts } = await withController(options, (c) => request(c, 'contact.list', {}, options));
      if (o.json) return json(contacts);
      if (contacts.length === 0) return print(say('nothing'));
      for (const c of contacts) print(contactLine(c));
    });
  contact
    .command('remove')
    .description('remove a contact point (refused while a person uses it)')
    .argument('<id>')
    .addOption(brokerOption())
    .action(async (id: string, o: ClientOpts) => {
      const options = requestOptions(o);
      await withController(options, (c) => request(c, 'contact.remove', { id }, options));
      print(say('removed', { id }));
    });
  contact
    .command('test')
    .description('send a test notification now and say whether it was delivered')
    .argument('<id>')
    .addOption(brokerOption())
    .action(async (id: string, o: ClientOpts) => {
      const options = requestOptions(o);
      const r = await withController(options, (c) => request(c, 'contact.test', { id }, options));
      if (!r.sent) throw new UserError(say('testFailed', { id, ms: r.ms, error: r.error }));
      print(say('tested', { id, ms: r.ms }));
    });
}
