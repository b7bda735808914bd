/**
 * How a client (an agent, the controller on an external broker, the CLI) reaches the broker: its
 * URL, its login by reference (a variable or a 0600 file, never inline) and, for mqtts, the CA that
 * must have signed the broker's certificate and an optional client certificate.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { readPrivateFile, readSecret } from './secret.ts';
import { brokerUrls, parseBrokerUrl, type TlsFiles } from './mqtt-connection.ts';

export type { TlsFiles };

/** The schema's properties, shared by the agent's and the controller's config. */
export const brokerClientProperties = {
  url: Type.String({
    default: 'mqtt://127.0.0.1:1883',
    description:
      'mqtt://host:port or mqtts://host:port; a clustered broker as a comma-separated list (mqtt://a:1883,mqtt://b:1883): the client stays on the one it reached and moves to the next when an attempt fails',
  }),
  username: Type.Optional(
    Type.String({ description: 'agent/<id> for an agent, controller/<name> for a controller, the name of a person' }),
  ),
  /** Name of an environment variable holding the password, so secrets stay out of config files. */
  passwordEnv: Type.Optional(Type.String()),
  /** A file holding the password, readable by its owner only (mode 0600). */
  passwordFile: Type.Optional(Type.String()),
  /** mqtts: the CA certificate (PEM) the broker's certificate must chain to; the system's CAs without it. */
  caFile: Type.Optional(Type.String()),
  /** mqtts: a client certificate and its key (PEM; the key file 0600), for a broker that asks for one. */
  certFile: Type.Optional(Type.String()),
  keyFile: Type.Optional(Type.String()),
};

export interface BrokerClientSecrets {
  password?: string;
  tls?: TlsFiles;
}

const BrokerClientSettings = Type.Object(brokerClientProperties);
/** Any of the settings, as a config or the environment gives them. */
type Settings = { [K in keyof Static<typeof BrokerClientSettings>]?: Static<typeof BrokerClientSettings>[K] | undefined };

function readPublicFile(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(`${what} ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
}

/** Reads what the settings name; relative files are taken from `baseDir` (the config file's folder). Throws a clear reason. */
export function readBrokerSecrets(settings: Settings, baseDir: string, env: NodeJS.ProcessEnv = process.env): BrokerClientSecrets {
  const at = (file: string) => path.resolve(baseDir, file);
  const password = readSecret({ env: settings.passwordEnv, file: settings.passwordFile && at(settings.passwordFile) }, 'broker', env);
  const read = (file: string, what: string) => readPublicFile(at(file), `broker: the ${what}`);
  if (!!settings.certFile !== !!settings.keyFile) throw new Error('broker: a client certificate needs both certFile and keyFile');
  const tls: TlsFiles = {
    ...(settings.caFile ? { ca: read(settings.caFile, 'CA file') } : {}),
    ...(settings.certFile ? { cert: read(settings.certFile, 'certificate file') } : {}),
    // A private key is a secret: the same 0600 rule as a password file.
    ...(settings.keyFile ? { key: readPrivateFile(at(settings.keyFile), 'broker: the key file') } : {}),
  };
  const wantsTls = Object.keys(tls).length > 0;
  if (wantsTls && settings.url && brokerUrls(settings.url).some((u) => !parseBrokerUrl(u).tls))
    throw new Error(`broker: caFile/certFile are for mqtts:// but the URL is ${settings.url}`);
  return { ...(password !== undefined ? { password } : {}), ...(wantsTls ? { tls } : {}) };
}

/** What the embedded broker serves mqtts with; `ca` set means every client must show a certificate it signed. */
export interface ServerTls {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
}

export function readServerTls(
  settings: { certFile: string; keyFile: string; clientCaFile?: string | undefined },
  baseDir: string,
): ServerTls {
  const at = (file: string) => path.resolve(baseDir, file);
  const read = (file: string, what: string) => readPublicFile(at(file), `broker.tls: the ${what}`);
  return {
    cert: read(settings.certFile, 'certificate file'),
    key: readPrivateFile(at(settings.keyFile), 'broker.tls: the key file'),
    ...(settings.clientCaFile ? { ca: read(settings.clientCaFile, 'client CA file') } : {}),
  };
}
