/**
 * Generates docs/protocol.md and docs/schemas/*.json from protocols/contract.ts, so the
 * published contract can never drift from the validators. `npm run protocol:docs` writes
 * them; a test fails when the committed copies are out of date.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TSchema } from '@sinclair/typebox';
import { OPERATIONS, ROOT, TOPICS, requestSchema, responseSchema, type OperationName } from './contract.ts';
import { EquipmentProfile } from './profile.ts';
import { packageRoot } from '../lib/paths.ts';

export interface GeneratedFile {
  path: string;
  content: string;
}

const jsonSchema = (id: string, schema: TSchema): string =>
  `${JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', $id: `https://onair.local/schemas/${id}.json`, ...schema }, null, 2)}\n`;

function fieldRows(schema: TSchema): string[] {
  const properties = (schema as { properties?: Record<string, TSchema> }).properties ?? {};
  const required = new Set((schema as { required?: string[] }).required ?? []);
  return Object.entries(properties).map(([name, s]) => {
    const type = describeType(s);
    return `| \`${name}\` | ${type} | ${required.has(name) ? 'yes' : 'no'} | ${(s.description ?? '').replace(/\|/g, '\\|')} |`;
  });
}

function describeType(s: TSchema): string {
  if (s.anyOf) return (s.anyOf as TSchema[]).map(describeType).join(' \\| ');
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.type === 'array') return `${describeType(s.items as TSchema)}[]`;
  if (s.type === 'object' && s.patternProperties) return 'object (map)';
  return String(s.type ?? 'any');
}

export function generateProtocolDocs(): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  const md: string[] = [
    '# OnAir MQTT contract (v1)',
    '',
    '_Generated from `protocols/contract.ts` and `protocols/schemas.ts` by `npm run protocol:docs`. Do not edit by hand._',
    '',
    `Every topic is under \`${ROOT}/\`. MQTT 3.1.1 (the embedded aedes broker speaks nothing newer), so requests and responses correlate by ids inside payloads. Payloads are UTF-8 JSON; each has a JSON Schema in [schemas/](schemas/). A payload that fails validation is logged with its topic and reason, counted, and dropped.`,
    '',
    'Set TCP_NODELAY on every MQTT socket (clients and broker): without it a QoS 1 command and its result take ~44 ms on loopback (Nagle + delayed ACK) instead of well under 1 ms.',
    '',
    '## Topics',
    '',
    '| topic | publisher | QoS | retained | schema | what |',
    '|---|---|---|---|---|---|',
  ];
  for (const [name, spec] of Object.entries(TOPICS)) {
    md.push(
      `| \`${spec.pattern}\` | ${spec.publisher} | ${spec.qos} | ${spec.retain ? 'yes' : 'no'} | [${name}](schemas/${name}.json) | ${spec.description} |`,
    );
    files.push({ path: `docs/schemas/${name}.json`, content: jsonSchema(name, spec.schema) });
  }
  md.push(
    '',
    '## Requests to the controller',
    '',
    'Publish `{transaction, issuedBy?, params}` to `controller/requests/{op}`; the answer on `controller/responses/{op}` echoes `transaction` with `{status: "ok", data}` or `{status: "error", error}`. Subscribe to the response topic before publishing. Where anonymous clients are allowed (a loopback listener of the embedded broker, or `broker.allowAnonymous`), any MQTT client can drive OnAir this way:',
    '',
    '```sh',
    `mosquitto_sub -t '${ROOT}/controller/responses/failover' &`,
    `mosquitto_pub -t '${ROOT}/controller/requests/failover' -m '{"transaction":"t1","issuedBy":"stream-deck","params":{"slot":"studio-a/cam-wide","reason":"camera 1 smeared"}}'`,
    '```',
    '',
  );
  md.push(
    'With logins (the embedded broker requires them on a network listener; `broker.allowAnonymous` says otherwise), a person publishes under their own name, `users/{user}/requests/{op}`, and the answer comes on `users/{user}/responses/{op}`, which only they may read (the answer to `agent.enrol` carries a credential; the admin operations are refused to a client without a login). The broker lets each user publish only there and only for the operations their role allows (viewer: reading; technician: + profiles, devices, slots, tests, schedules, pre-show; engineer: + failover, on-air, shows; admin: everything), and the controller records the user from the topic — `issuedBy` in the payload is kept only as a note of the client (`eve (via stream-deck)`). With Mosquitto, `onair broker mosquitto-config` writes the same rules as an ACL, one block per identity (`user eve`, `topic write onair/v1/users/eve/requests/failover`, … — per operation, since roles differ; a single `pattern write onair/v1/users/%u/requests/#` would let a viewer fail over). `controller/requests/{op}` is served to whoever the broker lets publish there: anonymous clients where they are allowed, and a controller login (`controller/<name>`, which has every right) — never a person or an agent. Agents log in as `agent/<id>` and may publish only under `agents/{their id}/` and subscribe only to their own `commands`, `config` and `state` (a late will of theirs, which a broker of a cluster can publish, is answered with a new birth), `controller/state` and the slot states; the controller on an external broker logs in as `controller/<name>`. A refused publish is never delivered or stored (retained or not): aedes closes the client, Mosquitto drops it and logs it. The rules: `protocols/access.ts` (`topicRules`).',
    '',
    "A logged-in client also uses only client ids of its own identity, so that no login can take over another's session (a broker closes the older client of an id and publishes its will [MQTT-3.1.4-2]): an agent `onair-agent-<id>`, a person or tool `onair-user-<name>`, a controller login `onair-controller`, each as it is or followed by `:<anything>` (the CLI: `onair-user-<name>:cli-<random>`; names hold no colon, so `agent-b` never owns `agent-b2`'s id). An anonymous client (only where allowed) may use any id but never one a logged-in client holds. The embedded broker refuses another id with CONNACK 5 and logs who tried and whose id it is; Mosquitto with the generated files replaces every client's id with its username (`use_username_as_clientid`), so there each login holds one connection at a time. A person asking on the embedded broker:",
    '',
    '```sh',
    `mosquitto_sub -i onair-user-eve:sub -u eve -P "$ONAIR_PASSWORD" -t '${ROOT}/users/eve/responses/failover' &`,
    `mosquitto_pub -i onair-user-eve:pub -u eve -P "$ONAIR_PASSWORD" -t '${ROOT}/users/eve/requests/failover' -m '{"transaction":"t1","issuedBy":"stream-deck","params":{"slot":"studio-a/cam-wide","reason":"camera 1 smeared"}}'`,
    '```',
    '',
    'With Mosquitto the second connection of `eve` would close the first: ask over one connection that subscribes to the answer and then publishes the request (the `onair` CLI does), or give each tool its own login.',
    '',
  );
  md.push('| op | params | data | what |', '|---|---|---|---|');
  for (const op of Object.keys(OPERATIONS) as OperationName[]) {
    md.push(
      `| \`${op}\` | [request](schemas/request.${op}.json) | [response](schemas/response.${op}.json) | ${OPERATIONS[op].description} |`,
    );
    files.push({ path: `docs/schemas/request.${op}.json`, content: jsonSchema(`request.${op}`, requestSchema(op)) });
    files.push({ path: `docs/schemas/response.${op}.json`, content: jsonSchema(`response.${op}`, responseSchema(op)) });
  }
  md.push('', '## Payload fields', '');
  for (const [name, spec] of Object.entries(TOPICS)) {
    md.push(
      `### ${name} — \`${spec.pattern}\``,
      '',
      '| field | type | required | notes |',
      '|---|---|---|---|',
      ...fieldRows(spec.schema),
      '',
    );
  }
  md.push(
    '## Liveness rules',
    '',
    '- An agent connects with a last will `{online: false, session}` on its state topic (retained, QoS 1) and publishes its birth `{online: true, session}` right after. `session` grows on every connect; the controller ignores a death, heartbeat or health whose session is older than the birth it holds (Sparkplug B bdSeq rule).',
    "- Heartbeats go out every `heartbeatIntervalMs`; no heartbeat within the controller's deadline (at least 3 intervals) means the agent is lost and all its devices go offline at once, even if its TCP session stays up.",
    '- Commands carry `ttlMs`, a time to live the agent measures itself from receipt (clocks are never compared): an action not done by then is abandoned and answered `expired`. The controller cancels a command it gave up on (built-in action `cancel` with `{command: id}`): abandoned if running, refused if it arrives later. A repeated command `id` gets the earlier result again; the action never runs twice.',
    '',
  );
  files.unshift({ path: 'docs/protocol.md', content: md.join('\n') });
  // Editors validate and complete hardware-profiles/*.yaml against this (see the yaml-language-server line in each).
  files.push({ path: 'docs/schemas/profile.json', content: jsonSchema('profile', EquipmentProfile) });
  return files;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = packageRoot(); // the sources' folder, also when run from dist/
  for (const file of generateProtocolDocs()) {
    mkdirSync(path.dirname(path.join(root, file.path)), { recursive: true });
    writeFileSync(path.join(root, file.path), file.content);
  }
  process.stdout.write('wrote docs/protocol.md and docs/schemas/\n');
}
