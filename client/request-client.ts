/** A short-lived MQTT client that sends one controller request and waits for its response. */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { MqttClient } from 'mqtt';
import { silentLogger } from '../lib/logger.ts';
import { askSecret } from './prompt.ts';
import type { MessageKey, Messages } from '../i18n/define.ts';
import type { Locale } from '../i18n/locales.ts';
import { translator, type MessageValues } from '../i18n/translator.ts';
import { cliClient } from '../i18n/messages/cli-client.ts';
import { terminalLanguage } from './language.ts';
import { brokerUrls, connectMqtt, endMqtt, parseBrokerUrl, waitForConnect, type TlsFiles } from '../lib/mqtt-connection.ts';
import { readBrokerSecrets } from '../lib/broker-client.ts';
import { readPrivateFile } from '../lib/secret.ts';
import { clientIdFor } from '../protocols/access.ts';
import { responseCodec } from '../protocols/codec.ts';
import {
  isRateRefusal,
  requestTopic,
  responseTopic,
  userRequestTopic,
  userResponseTopic,
  type OperationData,
  type OperationName,
  type OperationParams,
} from '../protocols/contract.ts';

/**
 * A user's mistake or a refusal, said in one line. One made by `userError` carries its catalogue
 * message (`said`: table, key, values) and is printed in the reader's language (cli/main.ts);
 * `message` is its English, for scripts, logs and programmatic callers.
 */
export class UserError extends Error {
  override name = 'UserError';
  constructor(
    message: string,
    readonly said?: { readonly messages: Messages; readonly key: string; readonly values: MessageValues },
  ) {
    super(message);
  }

  /** The error in a language: its catalogue message, or the text it was made with. */
  in(locale: Locale): string {
    return this.said ? translator(this.said.messages, locale)(this.said.key, this.said.values) : this.message;
  }
}

/** A UserError from a catalogue message: English as its `message`, the reader's language when printed. */
export function userError<M extends Messages>(messages: M, key: MessageKey<M>, values: MessageValues = {}): UserError {
  return new UserError(translator(messages, 'en')(key, values), { messages, key, values });
}

export interface RequestOptions {
  broker: string;
  timeoutMs: number;
  issuedBy: string;
  /** A login (else the one in the broker URL, if any): requests then go under users/{user}/. */
  user?: string;
  password?: string;
  /** mqtts: the CA (ONAIR_CA_FILE) and a client certificate (ONAIR_CERT_FILE, ONAIR_KEY_FILE). */
  tls?: TlsFiles;
  /** The language of the password prompt (the terminal's; English when not given). */
  locale?: Locale;
}

/** Options every command that talks to the controller takes. */
export interface ClientOpts {
  broker: string;
  timeout?: number;
  json?: boolean;
}

/**
 * Who is asking: the login (ONAIR_USER, or the user in the broker URL) is what the audit log records;
 * `issuedBy` (user@host) rides along as a note of the client.
 */
export const requestOptions = (o: ClientOpts, env: NodeJS.ProcessEnv = process.env): RequestOptions => ({
  broker: o.broker,
  timeoutMs: o.timeout ?? 5_000,
  issuedBy: `${os.userInfo().username}@${os.hostname()}`,
  locale: terminalLanguage(env).locale,
  ...cliLogin(env),
});

/**
 * The CLI's login: a token file (ONAIR_TOKEN_FILE, one line `user:secret`, mode 0600: what a tool is
 * given), else ONAIR_USER with ONAIR_PASSWORD (or asked); and the TLS files for mqtts.
 */
function cliLogin(env: NodeJS.ProcessEnv): Pick<RequestOptions, 'user' | 'password' | 'tls'> {
  let tls: TlsFiles | undefined;
  let token: { user: string; password: string } | undefined;
  try {
    tls = readBrokerSecrets({ caFile: env.ONAIR_CA_FILE, certFile: env.ONAIR_CERT_FILE, keyFile: env.ONAIR_KEY_FILE }, process.cwd()).tls;
    if (env.ONAIR_TOKEN_FILE) {
      const line = readPrivateFile(env.ONAIR_TOKEN_FILE, 'ONAIR_TOKEN_FILE:').toString('utf8').trim();
      const colon = line.indexOf(':');
      if (colon <= 0)
        throw userError(cliClient, 'badTokenFile', { variable: 'ONAIR_TOKEN_FILE', file: env.ONAIR_TOKEN_FILE, line: 'user:secret' });
      token = { user: line.slice(0, colon), password: line.slice(colon + 1) };
    }
  } catch (err) {
    throw err instanceof UserError ? err : new UserError((err as Error).message);
  }
  return {
    ...(token ?? {
      ...(env.ONAIR_USER ? { user: env.ONAIR_USER } : {}),
      ...(env.ONAIR_PASSWORD !== undefined ? { password: env.ONAIR_PASSWORD } : {}),
    }),
    ...(tls ? { tls } : {}),
  };
}

export async function withController<T>(options: RequestOptions, work: (client: MqttClient) => Promise<T>): Promise<T> {
  if (options.user !== undefined && options.password === undefined) {
    if (!process.stdin.isTTY) throw userError(cliClient, 'needPassword', { user: options.user, variable: 'ONAIR_PASSWORD' });
    options = {
      ...options,
      password: await askSecret(translator(cliClient, options.locale ?? 'en')('passwordFor', { user: options.user })),
    };
  }
  const client = connectMqtt({
    url: options.broker,
    // Bound to the login (protocols/access.ts): onair-user-<name>:cli-…, or onair-cli-… without one.
    clientId: clientIdFor(options.user ?? parseBrokerUrl(brokerUrls(options.broker)[0]!).username, `cli-${randomUUID().slice(0, 8)}`),
    ...(options.user !== undefined ? { username: options.user, password: options.password ?? '' } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
    log: silentLogger(),
    reconnect: { initialMs: 200, maxMs: 1000 },
  });
  try {
    const refused = new Promise<string>((resolve) => client.once('error', (err) => resolve(err.message)));
    await waitForConnect(client, Math.min(options.timeoutMs, 5_000)).catch(async () => {
      // A CONNACK refusal is no unreachable broker: say which.
      const why = await Promise.race([refused, Promise.resolve('')]);
      if (/not authori[sz]ed|bad user ?name or password/i.test(why))
        throw userError(cliClient, 'loginRefused', {
          broker: options.broker,
          why,
          userVariable: 'ONAIR_USER',
          passwordVariable: 'ONAIR_PASSWORD',
          url: 'mqtt://user:password@host',
        });
      if (/certificate|self[- ]signed|altnames|handshake|SSL|TLS/i.test(why))
        throw userError(cliClient, 'tlsFailed', { broker: options.broker, why, variable: 'ONAIR_CA_FILE' });
      throw userError(cliClient, 'unreachable', {
        broker: options.broker,
        command: 'onair controller',
        option: '--broker',
        variable: 'ONAIR_BROKER',
      });
    });
    return await work(client);
  } finally {
    await endMqtt(client, true);
  }
}

/** Waited after a refusal for rate before asking again: the controller's bucket refills 10 requests a second. */
const RATE_RETRY_MS = 1_000;

/**
 * Asks the controller and resolves with its answer's data. A refusal for rate (the request was not run)
 * is waited out and asked again within the same deadline, so a script registering a studio one request
 * at a time is slowed down, not failed.
 */
export async function request<O extends OperationName>(
  client: MqttClient,
  op: O,
  params: OperationParams<O>,
  options: RequestOptions,
): Promise<OperationData<O>> {
  const deadline = performance.now() + options.timeoutMs;
  for (;;) {
    const response = await askOnce(
      client,
      op,
      params,
      { ...options, timeoutMs: Math.max(1, Math.round(deadline - performance.now())) },
      options.timeoutMs,
    );
    if (response.status === 'ok') return response.data as OperationData<O>;
    if (!isRateRefusal(response.error) || deadline - performance.now() <= RATE_RETRY_MS)
      throw response.error !== undefined ? new UserError(response.error) : userError(cliClient, 'requestFailed');
    await new Promise((resolve) => setTimeout(resolve, RATE_RETRY_MS));
  }
}

async function askOnce<O extends OperationName>(
  client: MqttClient,
  op: O,
  params: OperationParams<O>,
  options: RequestOptions,
  wholeTimeoutMs: number,
): Promise<{ status: 'ok' | 'error'; data?: OperationData<O>; error?: string }> {
  const transaction = randomUUID();
  const codec = responseCodec(op);
  const login = options.user ?? parseBrokerUrl(brokerUrls(options.broker)[0]!).username;
  // A controller login (a peer of the controller: a standby, a test rig) has every right and asks on
  // the controller's own topics; a person asks under their name and alone hears the answer.
  const user = login?.startsWith('controller/') ? undefined : login;
  const answers = user ? userResponseTopic(user, op) : responseTopic(op);
  await client.subscribeAsync(answers, { qos: 1 });
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      client.off('message', onMessage);
      client.off('close', onClose);
    };
    const timer = setTimeout(() => {
      done();
      // Mosquitto drops a publish its ACL refuses without a word [mosquitto.conf(5) acl_file]: say so.
      reject(userError(cliClient, user ? 'noAnswerAsUser' : 'noAnswer', { op, ms: String(wholeTimeoutMs), user, broker: 'Mosquitto' }));
    }, options.timeoutMs);
    const onMessage = (t: string, payload: Buffer): void => {
      if (t !== answers) return;
      const decoded = codec.decode(payload);
      if (!decoded.ok) return;
      const response = decoded.value as { transaction: string; status: 'ok' | 'error'; data?: OperationData<O>; error?: string };
      if (response.transaction !== transaction) return;
      done();
      resolve(response);
    };
    // The broker closes a client whose publish its login may not make (MQTT 3.1.1 has no refusal code for it).
    const onClose = (): void => {
      done();
      reject(userError(cliClient, user ? 'closedAsUser' : 'closed', { op, user }));
    };
    client.on('message', onMessage);
    client.on('close', onClose);
    client.publish(
      user ? userRequestTopic(user, op) : requestTopic(op),
      JSON.stringify({ transaction, issuedBy: options.issuedBy, params }),
      { qos: 1 },
    );
  });
}
