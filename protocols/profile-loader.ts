/**
 * Loads equipment profiles against the schema and against their driver (options, actions, metrics),
 * in one pass. Every problem comes with file, line, column, field path and a hint; a profile with an
 * error is rejected whole.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { ConfigError, parseYamlConfig, readConfigText, type NestedSchema } from '../lib/yaml-config.ts';
import { EquipmentProfile } from './profile.ts';
import { DRIVER_SPECS } from './drivers/index.ts';
import type { DriverSpec } from './drivers/spec.ts';
import { MEDIA_METRICS } from './media.ts';

/** What the loader needs to know about drivers: by default the ones OnAir ships (tests pass their own). */
export type DriverFacts = ReadonlyMap<string, Pick<DriverSpec<TSchema>, 'optionsSchema' | 'actions' | 'actionParams' | 'metrics'>>;

const oneOf = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));

/** A metric the driver reports; families (`relay.*`) match any member. */
function metricSchema(driver: string, metrics: Readonly<Record<string, string>>): TSchema {
  const names = Object.keys(metrics);
  const families = names.filter((n) => n.endsWith('.*'));
  if (families.length === 0) return oneOf(names);
  const exact = names.filter((n) => !n.endsWith('.*')).map(escapeRegExp);
  const prefixes = families.map((f) => `${escapeRegExp(f.slice(0, -1))}.+`);
  return Type.String({
    pattern: `^(${[...exact, ...prefixes].join('|')})$`,
    description: `a metric the ${driver} driver reports: ${names.join(', ')}`,
  });
}
const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Loads a profile and reports every problem at once: against the schema, and — as far as the
 * profile's shape allows — against its driver: connection defaults against the driver's options,
 * self-test and role actions against its actions, rule and expectation metrics against its metrics.
 */
export function parseProfile(text: string, file: string, drivers: DriverFacts = DRIVER_SPECS): EquipmentProfile {
  return parseYamlConfig(text, file, EquipmentProfile, (p): NestedSchema[] => {
    const spec = typeof p.driver === 'string' ? drivers.get(p.driver) : undefined;
    if (!spec) return [];
    const parts: NestedSchema[] = [{ path: ['connection'], schema: Type.Partial(spec.optionsSchema as ReturnType<typeof Type.Object>) }];
    const action = oneOf(spec.actions);
    // A watched model's rules and self-test may read what its media watch adds (shortTermLufs, frameAgeMs…).
    const watched = p.media ? Object.fromEntries(Object.values(MEDIA_METRICS).map((m) => [m, 'its media watch'])) : {};
    const metric = metricSchema(p.driver, { ...spec.metrics, ...watched });
    const list = <T>(value: T[] | undefined): T[] => (Array.isArray(value) ? value : []);
    const takes = (a: unknown) => (typeof a === 'string' ? spec.actionParams[a]?.params : undefined);
    list(p.selfTest).forEach((step, i) => {
      if (typeof step?.action === 'string') parts.push({ path: ['selfTest', String(i), 'action'], schema: action });
      const stepParams = takes(step?.action);
      if (stepParams && step?.params !== undefined) parts.push({ path: ['selfTest', String(i), 'params'], schema: stepParams });
      // An observed step reads a helper's metrics: which driver that is, only the registered unit knows.
      if (step?.observe === undefined)
        list(step?.expect).forEach((_, j) => parts.push({ path: ['selfTest', String(i), 'expect', String(j), 'metric'], schema: metric }));
    });
    for (const role of ['activate', 'standby'] as const) {
      if (typeof p.roles?.[role]?.action === 'string') parts.push({ path: ['roles', role, 'action'], schema: action });
      // A role may leave parameters to the slot (a camera's preset): what it gives must fit.
      const roleParams = takes(p.roles?.[role]?.action);
      if (roleParams && p.roles?.[role]?.params !== undefined)
        parts.push({ path: ['roles', role, 'params'], schema: Type.Partial(roleParams) });
    }
    list(p.health?.rules).forEach((_, i) => parts.push({ path: ['health', 'rules', String(i), 'metric'], schema: metric }));
    list(p.maintenance?.wearLimits).forEach((_, i) =>
      parts.push({ path: ['maintenance', 'wearLimits', String(i), 'metric'], schema: metric }),
    );
    // Forecasts read metrics too: a misspelt one would forecast nothing, silently.
    const e = p.endurance;
    if (typeof e?.lampHoursMetric === 'string') parts.push({ path: ['endurance', 'lampHoursMetric'], schema: metric });
    for (const key of ['minutesMetric', 'barsMetric'] as const)
      if (typeof e?.battery?.[key] === 'string') parts.push({ path: ['endurance', 'battery', key], schema: metric });
    list(e?.trends).forEach((_, i) => parts.push({ path: ['endurance', 'trends', String(i), 'metric'], schema: metric }));
    return parts;
  });
}

export function loadProfile(file: string, drivers: DriverFacts = DRIVER_SPECS): EquipmentProfile {
  return parseProfile(readConfigText(file), file, drivers);
}

/** Loads every file and collects every problem, so one run shows them all. */
export function validateProfiles(
  files: string[],
  drivers: DriverFacts = DRIVER_SPECS,
): { profiles: EquipmentProfile[]; errors: ConfigError[] } {
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
