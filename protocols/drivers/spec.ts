/**
 * What a driver accepts and reports, in one place for everyone who needs it: the agent (which runs
 * the driver), the controller (which checks registrations, slot parameters and profiles against it
 * without importing a driver) and the CLI (which validates profiles before they reach the studio).
 */
import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import type { ProgramSource } from '../program-source.ts';

/** What an action takes. */
export interface ActionSpec {
  /** Its parameters; an action without a schema takes none. */
  params?: TObject;
  /** Parameters whose value must name an entry of the device's options: `{ scene: 'scenes' }`. */
  namedIn?: Readonly<Record<string, string>>;
}

export interface DriverSpec<S extends TSchema = TSchema> {
  name: string;
  /** Schema of a device's `options`. */
  optionsSchema: S;
  /** Actions the driver understands; anything else is refused before it reaches the device. */
  actions: readonly string[];
  /** What each of those actions takes: checked in profiles, at registration and when a slot is defined. */
  actionParams: Readonly<Record<string, ActionSpec>>;
  /**
   * Metrics it reports, with what they mean; `family.*` stands for `family.<name>`. A health rule
   * judges the present: counts of events are over the last minute (`…PerMin`), never lifetime totals.
   */
  metrics: Readonly<Record<string, string>>;
  /**
   * Metrics that are a state others act on (what program shows, whether the stream runs): a change
   * is published at the probe that saw it, not at the next health interval. Families as in `metrics`.
   */
  stateMetrics?: readonly string[];
  /**
   * A program switcher's kind of program source (protocols/program-source.ts): `scene` for OBS,
   * `input` for an ATEM. Only a driver that declares one can be a slot's `--program` switcher, and
   * it must then understand the failover engine's `program-take`.
   */
  programSource?: ProgramSource['kind'];
  /**
   * The longest one request of a probe waits before the driver gives up with its own reason ("the ATEM
   * did not acknowledge within 500 ms"), from the device's options (their defaults filled in). The
   * probe's deadline is derived from it and must be longer (protocols/probe-deadline.ts).
   */
  requestDeadline?: (options: Readonly<Record<string, unknown>>) => RequestDeadline;
}

/** A driver's own deadline and the option that sets it. */
export interface RequestDeadline {
  field: string;
  ms: number;
}

/** A driver's facts, its name kept as a literal so the driver table can check each entry is filed under its own name. */
export const driverSpec = <S extends TSchema, N extends string>(spec: DriverSpec<S> & { name: N }): DriverSpec<S> & { name: N } => spec;

/** An action's parameters as an object schema: closed, so a misspelt parameter is caught. */
export const takes = (properties: Parameters<typeof Type.Object>[0], namedIn?: Record<string, string>): ActionSpec => ({
  params: Type.Object(properties, { additionalProperties: false }),
  ...(namedIn ? { namedIn } : {}),
});
/** An action that takes no parameters. */
export const NO_PARAMS: ActionSpec = takes({});

/** Is `name` one of the metrics a driver declares (families included)? */
export function declaresMetric(spec: Pick<DriverSpec, 'metrics'>, name: string): boolean {
  if (Object.hasOwn(spec.metrics, name)) return true;
  const dot = name.indexOf('.');
  return dot > 0 && Object.hasOwn(spec.metrics, `${name.slice(0, dot)}.*`);
}

/** Is `name` one of `names`, a `family.*` entry standing for each of its members? */
export function inMetricList(names: readonly string[], name: string): boolean {
  if (names.includes(name)) return true;
  const dot = name.indexOf('.');
  return dot > 0 && names.includes(`${name.slice(0, dot)}.*`);
}
