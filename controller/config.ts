import { Type, type Static } from '@sinclair/typebox';
import { ConfigError, parseYamlConfig, readConfigText } from '../lib/yaml-config.ts';
import { DEFAULT_THRESHOLDS } from './fleet/failure-detector.ts';
import { brokerClientProperties } from '../lib/broker-client.ts';
import { AlertingSettings } from '../protocols/alerting.ts';

const { url: _clientUrl, ...externalLogin } = brokerClientProperties;

export const ControllerConfig = Type.Object(
  {
    broker: Type.Object(
      {
        /** Run the embedded aedes broker (default) on this port; 0 picks a free one. */
        embedded: Type.Boolean({ default: true }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 1883 }),
        host: Type.String({ default: '0.0.0.0' }),
        /**
         * Clients without a login on the embedded broker. Default: only on a loopback listener
         * (127.0.0.1, ::1); on any other the controller warns at every start when this is true.
         */
        allowAnonymous: Type.Optional(Type.Boolean()),
        /**
         * The embedded broker serves mqtts instead of mqtt: its certificate and key (PEM; the key
         * file 0600) and, to require client certificates, the CA that must have signed them.
         */
        tls: Type.Optional(
          Type.Object(
            { certFile: Type.String(), keyFile: Type.String(), clientCaFile: Type.Optional(Type.String()) },
            { additionalProperties: false },
          ),
        ),
        /** With embedded: false, the external broker to use (Mosquitto, EMQX), and the controller's login there (by reference). */
        url: Type.Optional(Type.String()),
        ...externalLogin,
      },
      { additionalProperties: false, default: {} },
    ),
    /** The HTTP side: /healthz, /readyz, /metrics and the API (port 0 picks a free one). */
    http: Type.Object(
      {
        enabled: Type.Boolean({ default: true }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
        host: Type.String({ default: '0.0.0.0' }),
        /** HTTPS with this certificate and key (0600): logins to the API must not cross the network in clear. */
        tls: Type.Optional(Type.Object({ certFile: Type.String(), keyFile: Type.String() }, { additionalProperties: false })),
      },
      { additionalProperties: false, default: {} },
    ),
    dataDir: Type.String({ default: '.onair-data' }),
    /** This controller's name, as `onair status` names the leader of a pair (default: the host's name). */
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /**
     * Keep the state in PostgreSQL instead of SQLite in dataDir. Every controller pointed at the same
     * database competes for the lead: one decides, the others stand by (docs/deployment.md). Needs an
     * external broker (`broker.embedded: false`), which all of them share.
     */
    postgres: Type.Optional(
      Type.Object(
        {
          url: Type.String({
            pattern: '^postgres(ql)?://',
            description: 'postgresql://user@host:5432/database (the password by reference below, never in the URL)',
          }),
          passwordEnv: Type.Optional(Type.String()),
          /** A file holding the password, readable by its owner only (mode 0600). */
          passwordFile: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
    onAir: Type.Boolean({ default: false }),
    detection: Type.Object(
      {
        failAfterProbes: Type.Integer({ minimum: 1, default: DEFAULT_THRESHOLDS.failAfterProbes }),
        recoverAfterMs: Type.Integer({ minimum: 0, default: DEFAULT_THRESHOLDS.recoverAfterMs }),
        healthDeadlineMs: Type.Integer({ minimum: 100, default: DEFAULT_THRESHOLDS.healthDeadlineMs }),
        heartbeatDeadlineMs: Type.Integer({ minimum: 100, default: DEFAULT_THRESHOLDS.heartbeatDeadlineMs }),
        tickMs: Type.Integer({ minimum: 10, default: 100 }),
        /** After a start or a reconnect to the broker, how long agents get to re-announce before deadlines apply and a slot may be declared down. */
        restartGraceMs: Type.Integer({ minimum: 0, default: 10_000 }),
        /** With an external broker: how long a round trip may take before the link counts as dead (deaths and deadlines wait for one). */
        linkCheckMs: Type.Integer({ minimum: 50, default: 1_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
    failover: Type.Object(
      { activateTimeoutMs: Type.Integer({ minimum: 10, default: 1_000 }) },
      { additionalProperties: false, default: {} },
    ),
    history: Type.Object(
      {
        /** Events older than this many days are deleted from the database, in bounded batches (reports cannot look further back). */
        retentionDays: Type.Integer({ minimum: 1, default: 365 }),
        /** Each device's metric samples (the device page's trends) older than this many days are deleted, in bounded batches. */
        healthRetentionDays: Type.Integer({ minimum: 1, default: 30 }),
        /** One stored sample per device per this interval (each metric's last value in it): 30 days of minutes are 43,200 rows a device. */
        healthSampleMs: Type.Integer({ minimum: 100, default: 60_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
    plan: Type.Object(
      {
        /** Pre-show self-tests start this long before a show (a show may set its own). */
        preShowMinutes: Type.Number({ minimum: 0, default: 30 }),
        /** A failed pre-show test is retried once, after this pause. */
        preShowRetryMs: Type.Integer({ minimum: 0, default: 60_000 }),
        /** Test jobs running at once (one per device). */
        concurrency: Type.Integer({ minimum: 1, default: 4 }),
        /** How often shows, maintenance windows and the job queue are checked. */
        tickMs: Type.Integer({ minimum: 20, default: 250 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** Who is told about a fault, how, and when it escalates (protocols/alerting.ts; docs/alerting.md). */
    alerting: AlertingSettings,
  },
  { additionalProperties: false },
);
export type ControllerConfig = Static<typeof ControllerConfig>;

/** Slots are not configured here: they are built from registered devices (onair slot add) and kept in the database. */
export function parseControllerConfig(text: string, file: string): ControllerConfig {
  try {
    const config = parseYamlConfig(text, file, ControllerConfig);
    if (config.postgres && (config.broker.embedded || !config.broker.url)) {
      const line = text.split('\n').findIndex((l) => /^postgres\s*:/.test(l)) + 1;
      const message = config.broker.embedded
        ? 'controllers sharing PostgreSQL must share an external broker: the embedded one stops with its controller'
        : 'controllers sharing PostgreSQL need broker.url: the external broker they share';
      throw new ConfigError([
        {
          file,
          line: Math.max(1, line),
          column: 1,
          path: 'postgres',
          message,
          hint: 'set broker.embedded: false and broker.url (Mosquitto, EMQX)',
        },
      ]);
    }
    return config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new ConfigError(
      err.problems.map((p) =>
        p.path === 'slots'
          ? { ...p, hint: 'slots are now built from registered devices: onair slot add studio/slot --primary DEVICE --backup DEVICE' }
          : p,
      ),
    );
  }
}

export function loadControllerConfig(file: string): ControllerConfig {
  return parseControllerConfig(readConfigText(file), file);
}

/** Defaults for `onair controller` without --config. */
export function defaultControllerConfig(): ControllerConfig {
  return parseYamlConfig('{}', '(defaults)', ControllerConfig);
}
