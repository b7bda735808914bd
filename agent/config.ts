import { Type, type Static } from '@sinclair/typebox';
import { ConfigError, parseYamlConfig, readConfigText, type NestedSchema } from '../lib/yaml-config.ts';
import { Id } from '../protocols/schemas.ts';
import { brokerClientProperties } from '../lib/broker-client.ts';
import { DeviceConfig } from '../protocols/device-config.ts';
import type { DriverCatalog } from './driver.ts';

export const BrokerSettings = Type.Object(brokerClientProperties, { additionalProperties: false });

export const AgentConfig = Type.Object(
  {
    agentId: Id,
    broker: Type.Object(BrokerSettings.properties, { additionalProperties: false, default: {} }),
    heartbeatIntervalMs: Type.Integer({ minimum: 50, default: 1_000 }),
    /** Without the controller (or the broker) this long during a show, the agent fails over the slots it drives alone itself (longer than a standby controller's takeover). */
    aloneAfterMs: Type.Integer({ minimum: 0, default: 3_000 }),
    /** Health is published on every change and at least this often. */
    healthIntervalMs: Type.Integer({ minimum: 100, default: 5_000 }),
    devices: Type.Array(DeviceConfig, { default: [] }),
    /** Relative paths are taken from the config file's folder. */
    stateDir: Type.String({
      minLength: 1,
      default: '.onair-agent',
      description:
        'where the agent keeps the last desired config it applied, so it runs its registered gear after a restart without the controller',
    }),
  },
  { additionalProperties: false },
);
export type AgentConfig = Static<typeof AgentConfig>;

/** The driver name must be a known one, and the options must match that driver's schema. */
function driverParts(drivers: DriverCatalog) {
  const driverName = Type.Union([...drivers.keys()].map((name) => Type.Literal(name)));
  return (config: AgentConfig): NestedSchema[] =>
    config.devices.flatMap((device, index) => {
      const at = ['devices', String(index)];
      const definition = drivers.get(device.driver);
      if (!definition) return [{ path: [...at, 'driver'], schema: driverName }];
      return [{ path: [...at, 'options'], schema: definition.optionsSchema }];
    });
}

function rejectDuplicateIds(config: AgentConfig, file: string): AgentConfig {
  const seen = new Set<string>();
  for (const device of config.devices) {
    if (seen.has(device.id))
      throw new ConfigError([{ file, line: 0, column: 0, path: 'devices', message: `device id "${device.id}" appears twice` }]);
    seen.add(device.id);
  }
  return config;
}

export function parseAgentConfig(text: string, file: string, drivers: DriverCatalog): AgentConfig {
  return rejectDuplicateIds(parseYamlConfig(text, file, AgentConfig, driverParts(drivers)), file);
}

export function loadAgentConfig(file: string, drivers: DriverCatalog): AgentConfig {
  return parseAgentConfig(readConfigText(file), file, drivers);
}
