import { Type, type Static } from '@sinclair/typebox';
import { ConfigError, parseYamlConfig, readConfigText } from '../lib/yaml-config.ts';
import { Id, Params, SlotId } from '../protocols/schemas.ts';
import { DEFAULT_THRESHOLDS } from './failure-detector.ts';
import type { SlotDefinition } from './failover-engine.ts';

const DeviceRefText = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*/[A-Za-z0-9][A-Za-z0-9_.:-]*$', description: 'agentId/deviceId' });

export const SlotConfig = Type.Object(
  {
    id: SlotId,
    primary: DeviceRefText,
    backups: Type.Array(DeviceRefText, { default: [] }),
    /** Sent with `activate`: a camera's preset, a light's scene, a mic's channel. */
    params: Type.Object({}, { additionalProperties: true, default: {} }),
    /** Tally lamps per member: `agent/device: { board: agent/gpio-device, tally: name }`. */
    tallies: Type.Record(DeviceRefText, Type.Object({ board: DeviceRefText, tally: Type.String({ minLength: 1 }) }, { additionalProperties: false }), { default: {} }),
  },
  { additionalProperties: false },
);

export const ControllerConfig = Type.Object(
  {
    broker: Type.Object(
      {
        /** Run the embedded aedes broker (default) on this port; 0 picks a free one. */
        embedded: Type.Boolean({ default: true }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 1883 }),
        host: Type.String({ default: '0.0.0.0' }),
        /** With embedded: false, the external broker to use (Mosquitto, EMQX). */
        url: Type.Optional(Type.String()),
        username: Type.Optional(Type.String()),
        passwordEnv: Type.Optional(Type.String()),
      },
      { additionalProperties: false, default: {} },
    ),
    dataDir: Type.String({ default: '.onair-data' }),
    onAir: Type.Boolean({ default: false }),
    detection: Type.Object(
      {
        failAfterProbes: Type.Integer({ minimum: 1, default: DEFAULT_THRESHOLDS.failAfterProbes }),
        recoverAfterMs: Type.Integer({ minimum: 0, default: DEFAULT_THRESHOLDS.recoverAfterMs }),
        healthDeadlineMs: Type.Integer({ minimum: 100, default: DEFAULT_THRESHOLDS.healthDeadlineMs }),
        heartbeatDeadlineMs: Type.Integer({ minimum: 100, default: DEFAULT_THRESHOLDS.heartbeatDeadlineMs }),
        tickMs: Type.Integer({ minimum: 10, default: 100 }),
        /** After a restart, how long agents get to reconnect before heartbeat and health deadlines apply again. */
        restartGraceMs: Type.Integer({ minimum: 0, default: 10_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
    failover: Type.Object(
      { activateTimeoutMs: Type.Integer({ minimum: 10, default: 1_000 }) },
      { additionalProperties: false, default: {} },
    ),
    slots: Type.Array(SlotConfig, { default: [] }),
  },
  { additionalProperties: false },
);
export type ControllerConfig = Static<typeof ControllerConfig>;

export function parseControllerConfig(text: string, file: string): ControllerConfig {
  const config = parseYamlConfig(text, file, ControllerConfig);
  const seen = new Set<string>();
  for (const slot of config.slots) {
    if (seen.has(slot.id)) throw new ConfigError([{ file, line: 0, column: 0, path: 'slots', message: `slot "${slot.id}" is defined twice` }]);
    seen.add(slot.id);
    const members = new Set([slot.primary, ...slot.backups]);
    for (const member of Object.keys(slot.tallies)) {
      if (!members.has(member)) throw new ConfigError([{ file, line: 0, column: 0, path: `slots.${slot.id}.tallies`, message: `"${member}" has a tally but is not a member of the slot` }]);
    }
  }
  return config;
}

export function loadControllerConfig(file: string): ControllerConfig {
  return parseControllerConfig(readConfigText(file), file);
}

/** Defaults for `onair controller` without --config. */
export function defaultControllerConfig(): ControllerConfig {
  return parseYamlConfig('{}', '(defaults)', ControllerConfig);
}

export function slotDefinitions(config: ControllerConfig): SlotDefinition[] {
  return config.slots.map((s) => ({
    id: s.id,
    primary: toRef(s.primary),
    backups: s.backups.map(toRef),
    params: s.params as Static<typeof Params>,
    tallies: Object.entries(s.tallies).map(([member, lamp]) => ({ member: toRef(member), board: toRef(lamp.board), tally: lamp.tally })),
  }));
}

function toRef(text: string): { agent: Static<typeof Id>; device: string } {
  const [agent, device] = text.split('/') as [string, string];
  return { agent, device };
}
