/**
 * Loads equipment profiles: the schema first, then what depends on the driver — connection defaults
 * against the driver's own options, self-test and role actions against the driver's actions. Every
 * problem comes with file, line, column, field path and a hint; a profile with an error is rejected whole.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { ConfigError, parseYamlConfig, readConfigText, type NestedSchema } from '../lib/yaml-config.ts';
import { EquipmentProfile } from './profile.ts';

/** What the loader needs to know about drivers (passed in: protocols/ does not depend on the agent). */
export interface DriverFacts {
  options(driver: string): TSchema | undefined;
  actions(driver: string): readonly string[] | undefined;
}

const oneOf = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));

export function parseProfile(text: string, file: string, drivers: DriverFacts): EquipmentProfile {
  return parseYamlConfig(text, file, EquipmentProfile, (p): NestedSchema[] => {
    const parts: NestedSchema[] = [];
    const options = drivers.options(p.driver);
    if (options) parts.push({ path: ['connection'], schema: Type.Partial(options as ReturnType<typeof Type.Object>) });
    const actions = drivers.actions(p.driver);
    if (actions && actions.length > 0) {
      p.selfTest.forEach((step, i) => {
        if (step.action !== undefined) parts.push({ path: ['selfTest', String(i), 'action'], schema: oneOf(actions) });
      });
      for (const role of ['activate', 'standby'] as const) {
        if (p.roles[role]) parts.push({ path: ['roles', role, 'action'], schema: oneOf(actions) });
      }
    }
    return parts;
  });
}

export function loadProfile(file: string, drivers: DriverFacts): EquipmentProfile {
  return parseProfile(readConfigText(file), file, drivers);
}

/** Loads every file and collects every problem, so one run shows them all. */
export function validateProfiles(files: string[], drivers: DriverFacts): { profiles: EquipmentProfile[]; errors: ConfigError[] } {
  const profiles: EquipmentProfile[] = [];
  const errors: ConfigError[] = [];
  for (const file of files) {
    try {
      profiles.push(loadProfile(file, drivers));
    } catch (err) {
      if (err instanceof ConfigError) errors.push(err);
      else throw err;
    }
  }
  return { profiles, errors };
}
